using TftpNano.Protocol;

namespace TftpNano.Transfer
{
    // The server's first answer: an OACK whose options are checked against the request, or an ERROR
    // that refuses the options and has the request asked again with fewer of them.
    internal sealed partial class DownloadRun
    {
        private void OnOptionAcknowledgement(int length)
        {
            if (_phase != TransferPhase.Requesting)
            {
                // A repeated OACK means our ACK 0 was lost; the timer re-sends it.
                return;
            }

            if (!_optionsRequested)
            {
                throw Abort(TftpFailure.OptionsRefused, TftpErrorCode.OptionNegotiationFailed,
                    "The server sent an OACK to a request without options.", null);
            }

            TftpOptions granted;
            try
            {
                granted = TftpPacket.ReadOptionAcknowledgement(_receiveBuffer, length);
            }
            catch (TftpException e)
            {
                throw Abort(TftpFailure.OptionsRefused, TftpErrorCode.OptionNegotiationFailed, e.Message, e);
            }

            string refusal = TftpOptions.FindExcess(granted, _requestedOptions);
            if (refusal != null)
            {
                throw Abort(TftpFailure.OptionsRefused, TftpErrorCode.OptionNegotiationFailed, refusal, null);
            }

            _statistics.ServerTimeoutMs = granted.TimeoutMicroseconds / 1000;
            Answered(granted.BlockSize > 0 ? granted.BlockSize : TftpPacket.DefaultBlockSize,
                granted.WindowSize > 0 ? granted.WindowSize : 1, granted.TransferSize);
            AcknowledgeInOrder(true);
        }

        // The server's first answer settles the transfer's block size, window and announced size.
        private void Answered(int blockSize, int windowSize, long transferSize)
        {
            _timer.Answered(true);
            _blockSize = blockSize;
            _window = new ReceiveWindow(windowSize);
            _lockStep = windowSize == 1;
            _transferSize = transferSize;
            _phase = TransferPhase.Transferring;
        }

        private void OnError(int length)
        {
            string message;
            TftpErrorCode code = TftpPacket.ReadAnyError(_receiveBuffer, length, out message);

            bool optionsRejected = code == TftpErrorCode.OptionNegotiationFailed
                || code == TftpErrorCode.NotDefined || code == TftpErrorCode.IllegalOperation;
            if (_phase == TransferPhase.Requesting && _optionsRequested && optionsRejected)
            {
                if (_requestedOptions.TimeoutMicroseconds > 0 && code == TftpErrorCode.OptionNegotiationFailed)
                {
                    // utimeout is no RFC's: a server may refuse the request for it with ERROR 8 (tftpd-hpa
                    // does for a value outside its range), so the options are asked again without it, at once.
                    _owner.ServerTimer.Refused();
                    _requestedOptions.TimeoutMicroseconds = 0;
                    StartRequest(true);
                    return;
                }

                _statistics.FellBackToPlainRequest = true;
                StartRequest(false);
                return;
            }

            throw new TftpException(code, message, _server.ToString() + " refused '" + _fileName
                + "' with TFTP error " + ((int)code).ToString() + " (" + TftpErrorDescriptions.Describe(code) + "): "
                + message);
        }
    }
}
