using TftpNano.Protocol;
using TftpNano.Transfer;
using TftpNano.Update;

namespace TftpNano.Host.Server;

// The receiving side: a device's report, taken by a write request into the report folder. Lock-step
// (RFC 1350): every block is acknowledged before the next is taken, a repeated block is acknowledged
// again, and only the timer resends the last ACK. Options are granted as for reads (blksize, timeout,
// tsize), windowsize as 1: a report is a block or a few, and a window would gain nothing.
internal sealed partial class ServerTransfer
{
    // The largest block granted to a write: a report fits in one.
    private const int MaxReportBlockSize = DeviceReport.MaxLength;

    // The options acknowledged, or null: until the first block comes, the timer resends this OACK.
    private TftpOptions? _writeOptions;

    private void ReceiveReport()
    {
        _reports!.Check(_request.FileName, out string deviceId);
        if (!NegotiateWrite())
        {
            return;
        }

        Record.BlockSize = _blockSize;
        Record.WindowSize = 1;
        byte[] report = new byte[DeviceReport.MaxLength];
        int length = 0;
        long received = 0;
        int retries = 0;
        while (true)
        {
            int datagram = ReceiveFromClient();
            if (datagram == -2)
            {
                return;
            }

            if (datagram < 0)
            {
                if (++retries > Settings.MaxRetries)
                {
                    Record.Failure = $"timeout at block {received + 1}";
                    return;
                }

                _timer.BackOff();
                if (received == 0 && _writeOptions is not null)
                {
                    SendOptionAcknowledgement(_writeOptions);
                }
                else
                {
                    Acknowledge(received);
                }

                continue;
            }

            TftpOpcode opcode = TftpPacket.ReadOpcode(_received, datagram);
            if (opcode != TftpOpcode.Data)
            {
                if (!ContinueAfter(opcode, datagram))
                {
                    return;
                }

                continue;
            }

            long advance = BlockNumber.Ahead(TftpPacket.ReadBlockNumber(_received, datagram), received + 1);
            if (advance != 0)
            {
                // The block before the expected one again: its ACK was lost, and is sent again. Anything
                // else is stale and ignored.
                if (BlockNumber.Ahead(TftpPacket.ReadBlockNumber(_received, datagram), received) == 0)
                {
                    Acknowledge(received);
                }

                continue;
            }

            int payload;
            try
            {
                payload = TftpPacket.ReadDataLength(_received, datagram, _blockSize);
            }
            catch (TftpException e)
            {
                SendError(TftpErrorCode.IllegalOperation, e.Message);
                Record.Failure = e.Message;
                return;
            }

            if (length + payload > report.Length)
            {
                Refuse(TftpErrorCode.DiskFull, $"A report is at most {DeviceReport.MaxLength} bytes.");
                return;
            }

            _received.AsSpan(TftpPacket.DataHeaderLength, payload).CopyTo(report.AsSpan(length));
            length += payload;
            received++;
            retries = 0;
            OnProgress(received);
            Record.BytesAcknowledged = length;
            if (payload < _blockSize)
            {
                // The whole report, and only then: a report cut off before its final block never
                // replaces the one before it.
                try
                {
                    _reports.Store(deviceId, report.AsSpan(0, length));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    SendError(TftpErrorCode.NotDefined, "The report could not be stored.");
                    Record.Failure = $"storing the report failed: {e.Message}";
                    return;
                }

                Record.Completed = true;
                Acknowledge(received);
                Dally(received);
                return;
            }

            Acknowledge(received);
        }
    }

    // Answers the write request's options, or acknowledges it plainly; false when the transfer ended.
    private bool NegotiateWrite()
    {
        TftpOptions requested = _request.Options;
        if (requested.IsEmpty || Settings.IgnoreOptions)
        {
            StartTimer();
            Acknowledge(0);
            return true;
        }

        if (requested.TransferSize > DeviceReport.MaxLength)
        {
            Refuse(TftpErrorCode.DiskFull, $"A report is at most {DeviceReport.MaxLength} bytes.");
            return false;
        }

        TftpOptions granted = TftpOptions.Grant(requested, Math.Min(Settings.MaxBlockSize, MaxReportBlockSize), 1,
            Settings.MaxTimeoutSeconds, requested.TransferSize);
        _blockSize = granted.BlockSize > 0 ? granted.BlockSize : TftpPacket.DefaultBlockSize;
        _timeoutMs = granted.TimeoutSeconds > 0 ? granted.TimeoutSeconds * 1000 : _timeoutMs;
        StartTimer();
        if (granted.IsEmpty)
        {
            Acknowledge(0);
        }
        else
        {
            _writeOptions = granted;
            SendOptionAcknowledgement(granted);
        }

        return true;
    }

    private void Acknowledge(long block)
    {
        _port.Send(_block, TftpPacket.WriteAcknowledgement(_block, BlockNumber.OnTheWire(block)));
        if (block > _highestSent)
        {
            _highestSent = block;
            _timedBlock = block + 1;
            _sentAt = Now;
        }

        _deadline = Now + _timer.NextWaitMs();
    }

    // The final ACK may be lost: the client then sends the final block again, which is answered for
    // one timeout (RFC 1350: the side that sends the last ACK waits).
    private void Dally(long finalBlock)
    {
        Volatile.Write(ref _dallying, 1);
        _server.OnDallying();
        long end = Now + _timer.NextWaitMs();
        try
        {
            int datagram;
            while ((datagram = _port.Receive(end)) >= 0)
            {
                if (datagram >= TftpPacket.DataHeaderLength && _received[0] == 0 && _received[1] == (byte)TftpOpcode.Data
                    && TftpPacket.ReadBlockNumber(_received, datagram) == BlockNumber.OnTheWire(finalBlock))
                {
                    Acknowledge(finalBlock);
                }
            }
        }
        catch (System.Net.Sockets.SocketException)
        {
            // The report is stored: a client whose port closed has simply left.
        }
    }

    private void Refuse(TftpErrorCode code, string message)
    {
        SendError(code, message);
        Record.Failure = message;
    }
}
