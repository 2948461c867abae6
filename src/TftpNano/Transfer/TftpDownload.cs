using System;
using System.IO;
using System.Net;
using System.Threading;
using TftpNano.Protocol;

namespace TftpNano.Transfer
{
    /// <summary>
    /// Downloads one file over TFTP (RRQ, octet mode) into a stream, block by block.
    /// </summary>
    /// <remarks>
    /// <para>
    /// One object serves one transfer at a time, on a socket it opens for that transfer and closes at its
    /// end (a new transfer ID, RFC 1350 section 4). It allocates one receive buffer and one small send
    /// buffer per transfer and nothing per block: each in-order DATA block is written to the
    /// destination straight from the receive buffer.
    /// </para>
    /// <para>
    /// The receiver drives recovery. Its adaptive timer (<see cref="RetransmissionTimer"/>) is far
    /// shorter than any server's, so after a loss it re-sends the ACK of the last in-order block, which
    /// makes RFC 7440 senders resume from there at once (a lock-step server resends on its own timer,
    /// as RFC 1123 4.2.3.1 has it). It never answers a duplicate with a retransmission of its own, so
    /// duplicates cannot multiply. A gap inside a window is ACKed at once, once per gap; give-up
    /// depends on progress (bytes written), not only on silence.
    /// </para>
    /// </remarks>
    public sealed class TftpDownload
    {
        // ERROR 5 replies to strangers per second: enough to tell a misdirected peer, too few to be a
        // flood's amplifier.
        private const int StrangerRepliesPerSecond = 10;

        private readonly IDatagramTransportFactory _transports;
        private readonly TftpDownloadSettings _settings;
        private readonly ReplyBudget _strangerReplies;
        private TransferPort _port;
        private TransferPhase _phase;
        private TftpTransferStatistics _statistics;
        private RetransmissionTimer _timer;
        private byte[] _receiveBuffer;
        private byte[] _sendBuffer;

        private IPEndPoint _server;
        private string _fileName;
        private Stream _destination;

        private bool _optionsRequested;
        private TftpOptions _requestedOptions;
        private int _blockSize;
        private int _windowSize;
        private long _transferSize;

        private int _blocksSinceAck;

        // Absolute block counts, which unlike block numbers do not wrap.
        private long _blocksWritten;
        private long _lastAcknowledged;

        // Blocks up to here belong to a flight the server was asked to restart: when they arrive out
        // of order they are leftovers, not new losses, and must not trigger another restart. The
        // restarted flight reuses those numbers, so the horizon lapses once the old flight has drained.
        private long _staleHorizon;
        private long _staleHorizonExpiry;
        private long _bytesWritten;

        private long _deadline;
        private long _sentAt;
        private bool _awaitingRttSample;
        private bool _dataPhaseMeasured;
        private int _consecutiveTimeouts;

        // Give-up by progress, not by silence: a server that keeps sending blocks from later in the
        // window never lets the timer expire, so restarts without a byte written are bounded, and so
        // are the transfer's whole time and its throughput over each span of the guard.
        private int _restartsWithoutProgress;
        private long _startedAt;
        private long _guardStartedAt;
        private long _guardBytes;

        // 1 once Cancel was called: an int through Interlocked, since nanoFramework's mscorlib has no
        // IsVolatile. Sticky, and passed on to every port the download opens.
        private int _cancelRequested;

        /// <summary>
        /// Creates a download that opens its sockets from the given factory.
        /// </summary>
        /// <param name="transports">Opens a socket on a new port for each transfer and each kind of request.</param>
        /// <param name="settings">What to ask for and how long to wait; null for the defaults.</param>
        public TftpDownload(IDatagramTransportFactory transports, TftpDownloadSettings settings)
        {
            if (transports == null)
            {
                throw new ArgumentNullException("transports");
            }

            _transports = transports;
            _settings = settings == null ? new TftpDownloadSettings() : settings;
            _statistics = new TftpTransferStatistics();
            _strangerReplies = new ReplyBudget(StrangerRepliesPerSecond);
            _transferSize = -1;
        }

        /// <summary>
        /// Occurs after each block written to the destination.
        /// </summary>
        public event TftpProgressHandler Progress;

        /// <summary>
        /// Gets where the download stands.
        /// </summary>
        public TransferPhase Phase
        {
            get { return _phase; }
        }

        /// <summary>
        /// Gets the block size in effect: negotiated, or 512 when the server took no options.
        /// </summary>
        public int BlockSize
        {
            get { return _blockSize; }
        }

        /// <summary>
        /// Gets the window size in effect: negotiated, or 1 when the server took no options.
        /// </summary>
        public int WindowSize
        {
            get { return _windowSize; }
        }

        /// <summary>
        /// Gets the size the server announced, or -1 when it announced none.
        /// </summary>
        public long TransferSize
        {
            get { return _transferSize; }
        }

        /// <summary>
        /// Gets the counters of the current or last transfer.
        /// </summary>
        public TftpTransferStatistics Statistics
        {
            get { return _statistics; }
        }

        /// <summary>
        /// Asks the transfer to stop; <see cref="Run"/> then sends an ERROR to the server and throws a
        /// <see cref="TftpException"/> with <see cref="TftpFailure.Canceled"/>. Safe from any thread, at any
        /// time: a download cancelled before it runs fails as soon as it starts, and stays cancelled.
        /// </summary>
        public void Cancel()
        {
            // The flag first, then the port; StartRequest sets the port first, then reads the flag. Both
            // through full fences, so whichever runs second sees the other: no port escapes the cancel.
            Interlocked.Exchange(ref _cancelRequested, 1);
            TransferPort port = _port;
            if (port != null)
            {
                port.Cancel();
            }
        }

        /// <summary>
        /// Downloads a file.
        /// </summary>
        /// <param name="server">The server's request endpoint, usually port 69.</param>
        /// <param name="fileName">The remote file name (ASCII).</param>
        /// <param name="destination">Receives the file's bytes in order; it is written, never read or sought.</param>
        /// <returns>The number of bytes written.</returns>
        /// <exception cref="TftpException">The transfer failed; the destination may hold a partial file.</exception>
        public long Run(EndPoint server, string fileName, Stream destination)
        {
            if (IsCancelRequested)
            {
                throw new TftpException(TftpFailure.Canceled, "The transfer was cancelled before it started.");
            }

            IPEndPoint serverEndPoint = server as IPEndPoint;
            if (serverEndPoint == null)
            {
                throw new ArgumentException("The server must be an IPEndPoint.", "server");
            }

            if (fileName == null || fileName.Length == 0)
            {
                throw new ArgumentException("The file name is empty.", "fileName");
            }

            if (destination == null)
            {
                throw new ArgumentNullException("destination");
            }

            _server = serverEndPoint;
            _fileName = fileName;
            _destination = destination;
            _statistics = new TftpTransferStatistics();
            _timer = new RetransmissionTimer(_settings.InitialTimeoutMs, _settings.MinTimeoutMs,
                _settings.MaxTimeoutMs, _settings.RandomSeed != 0 ? _settings.RandomSeed : new Random().Next());

            // One spare byte beyond the largest block lets an oversized DATA be recognised rather than
            // silently cut to size by the socket.
            int largestBlock = _settings.BlockSize > TftpPacket.DefaultBlockSize ? _settings.BlockSize : TftpPacket.DefaultBlockSize;
            _receiveBuffer = new byte[TftpPacket.DataHeaderLength + largestBlock + 1];
            _sendBuffer = new byte[fileName.Length + 96];
            _requestedOptions = new TftpOptions();
            _requestedOptions.BlockSize = _settings.BlockSize;
            _requestedOptions.WindowSize = _settings.WindowSize;
            _requestedOptions.TimeoutSeconds = _settings.ServerTimeoutSeconds;
            _requestedOptions.TransferSize = _settings.RequestTransferSize ? 0 : -1;

            _bytesWritten = 0;
            _blocksSinceAck = 0;
            _blocksWritten = 0;
            _lastAcknowledged = 0;
            _staleHorizon = 0;
            _consecutiveTimeouts = 0;
            _dataPhaseMeasured = false;
            _transferSize = -1;

            _restartsWithoutProgress = 0;
            _startedAt = Now;
            _guardStartedAt = _startedAt;
            _guardBytes = 0;
            try
            {
                StartRequest(_settings.UseOptions);
                while (true)
                {
                    CheckProgress();
                    int length = Receive(_deadline);
                    if (length == TransferPort.Cancelled)
                    {
                        throw Abort(TftpFailure.Canceled, TftpErrorCode.NotDefined, "The transfer was cancelled.", null);
                    }

                    if (length == TransferPort.Expired)
                    {
                        OnTimeout();
                    }
                    else if (OnPacket(length))
                    {
                        break;
                    }
                }

                Dally();
                _statistics.SmoothedRttMs = _timer.SmoothedRttMs;
                return _bytesWritten;
            }
            finally
            {
                ClosePort();
                _phase = TransferPhase.Ended;
            }
        }

        private static long Now
        {
            get { return Environment.TickCount64; }
        }

        private bool IsCancelRequested
        {
            get { return Interlocked.CompareExchange(ref _cancelRequested, 0, 0) == 1; }
        }

        // A request on a socket of its own: whatever the server sends for an earlier request (its answer
        // to a retransmitted options request, say) reaches a closed port, not this request.
        private void StartRequest(bool withOptions)
        {
            ClosePort();
            IDatagramTransport transport;
            try
            {
                transport = _transports.Open(_server.AddressFamily);
            }
            catch (Exception e)
            {
                throw NetworkFailed("open a socket", e);
            }

            _port = TransferPort.ForReadRequest(transport, _receiveBuffer, _server.Address, _strangerReplies);
            if (IsCancelRequested)
            {
                _port.Cancel();
            }

            _phase = TransferPhase.Requesting;
            _optionsRequested = withOptions;
            SendRequest();
        }

        private void ClosePort()
        {
            if (_port != null)
            {
                _statistics.PacketsReceived += _port.DatagramsReceived;
                _statistics.StrayPackets += _port.StrayDatagrams;
                _port.Close();
                _port = null;
            }
        }

        private void SendRequest()
        {
            int length = TftpPacket.WriteRequest(_sendBuffer, TftpOpcode.ReadRequest, _fileName, _optionsRequested ? _requestedOptions : null);
            try
            {
                _port.SendRequest(_sendBuffer, length, _server);
            }
            catch (Exception e)
            {
                throw NetworkFailed("send the request", e);
            }

            Sent(true);
        }

        // Every ACK names the last block written in order: at a window's end, after the final block,
        // on a gap, and on a timeout alike.
        private void AcknowledgeInOrder(bool fresh)
        {
            _blocksSinceAck = 0;
            _lastAcknowledged = _blocksWritten;
            try
            {
                _port.Send(_sendBuffer, TftpPacket.WriteAcknowledgement(_sendBuffer, BlockNumber.OnTheWire(_blocksWritten)));
            }
            catch (Exception e)
            {
                throw NetworkFailed("send an ACK", e);
            }

            Sent(fresh);
        }

        // An ACK that makes the server go back: what it had in flight after our last ACK is now stale.
        private void RequestRestart(long highestSeen)
        {
            long flightEnd = _lastAcknowledged + _windowSize;
            _staleHorizon = highestSeen > flightEnd ? highestSeen : flightEnd;
            _staleHorizonExpiry = Now + (_timer.TimeoutMs / 2);
            AcknowledgeInOrder(false);
        }

        private void Sent(bool fresh)
        {
            _statistics.PacketsSent++;
            long now = Now;

            // Karn's rule: a retransmitted datagram's reply cannot be told from the original's.
            _awaitingRttSample = fresh;
            _sentAt = now;
            _deadline = now + _timer.NextWaitMs();
        }

        private void CheckProgress()
        {
            long now = Now;
            int limit = _settings.TransferTimeLimitSeconds;
            if (limit > 0 && now - _startedAt > limit * 1000L)
            {
                throw Abort(TftpFailure.TimedOut, TftpErrorCode.NotDefined, "'" + _fileName + "' from " + _server.ToString()
                    + " took longer than " + limit.ToString() + " s (" + _bytesWritten.ToString() + " bytes written).", null);
            }

            long span = now - _guardStartedAt;
            if (_settings.MinBytesPerSecond == 0 || span < _settings.ThroughputWindowSeconds * 1000L)
            {
                return;
            }

            long written = _bytesWritten - _guardBytes;
            if (written * 1000 < _settings.MinBytesPerSecond * span)
            {
                throw Abort(TftpFailure.TimedOut, TftpErrorCode.NotDefined, "'" + _fileName + "' from " + _server.ToString()
                    + " is too slow: " + written.ToString() + " bytes in the last " + (span / 1000).ToString()
                    + " s, less than " + _settings.MinBytesPerSecond.ToString() + " bytes a second.", null);
            }

            _guardStartedAt = now;
            _guardBytes = _bytesWritten;
        }

        private bool OnPacket(int length)
        {
            TftpOpcode opcode;
            try
            {
                opcode = TftpPacket.ReadOpcode(_receiveBuffer, length);
            }
            catch (TftpException e)
            {
                throw Abort(TftpFailure.MalformedPacket, TftpErrorCode.IllegalOperation, e.Message, e);
            }

            switch (opcode)
            {
                case TftpOpcode.Data:
                    return OnData(length);

                case TftpOpcode.OptionAcknowledgement:
                    OnOptionAcknowledgement(length);
                    return false;

                case TftpOpcode.Error:
                    OnError(length);
                    return false;

                default:
                    throw Abort(TftpFailure.MalformedPacket, TftpErrorCode.IllegalOperation,
                        "The server sent opcode " + ((int)opcode).ToString() + " during a read transfer.", null);
            }
        }

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

            _blockSize = granted.BlockSize > 0 ? granted.BlockSize : TftpPacket.DefaultBlockSize;
            _windowSize = granted.WindowSize > 0 ? granted.WindowSize : 1;
            _transferSize = granted.TransferSize;
            _phase = TransferPhase.Transferring;
            TakeRttSample(true);
            AcknowledgeInOrder(true);
        }

        private void OnError(int length)
        {
            string message;
            TftpErrorCode code = TftpPacket.ReadAnyError(_receiveBuffer, length, out message);

            bool optionsRejected = code == TftpErrorCode.OptionNegotiationFailed
                || code == TftpErrorCode.NotDefined || code == TftpErrorCode.IllegalOperation;
            if (_phase == TransferPhase.Requesting && _optionsRequested && optionsRejected)
            {
                _statistics.FellBackToPlainRequest = true;
                StartRequest(false);
                return;
            }

            throw new TftpException(code, message, _server.ToString() + " refused '" + _fileName
                + "' with TFTP error " + ((int)code).ToString() + " (" + TftpErrorDescriptions.Describe(code) + "): "
                + message);
        }

        private bool OnData(int length)
        {
            if (_phase == TransferPhase.Requesting)
            {
                // DATA in reply to the request: the server took no options (RFC 2347 fallback).
                TakeRttSample(true);
                _phase = TransferPhase.Transferring;
                _blockSize = TftpPacket.DefaultBlockSize;
                _windowSize = 1;
                _transferSize = -1;
            }

            int payload;
            try
            {
                payload = TftpPacket.ReadDataLength(_receiveBuffer, length, _blockSize);
            }
            catch (TftpException e)
            {
                throw Abort(TftpFailure.MalformedPacket, TftpErrorCode.IllegalOperation, e.Message, e);
            }

            int distance = BlockNumber.Ahead(TftpPacket.ReadBlockNumber(_receiveBuffer, length), _blocksWritten + 1);
            if (distance == 0)
            {
                return AcceptBlock(payload);
            }

            if (distance < _windowSize)
            {
                OnGap(_blocksWritten + 1 + distance);
            }
            else
            {
                _statistics.DuplicateBlocks++;
            }

            return false;
        }

        private bool AcceptBlock(int payload)
        {
            TakeRttSample(false);
            _restartsWithoutProgress = 0;
            if (_consecutiveTimeouts > 0)
            {
                _consecutiveTimeouts = 0;
                _timer.ResetBackOff();
            }

            bool final = payload < _blockSize;
            long total = _bytesWritten + payload;
            if (_transferSize >= 0 && (total > _transferSize || (final && total != _transferSize)))
            {
                throw Abort(TftpFailure.SizeMismatch, TftpErrorCode.NotDefined, "The server announced "
                    + _transferSize.ToString() + " bytes for '" + _fileName + "' but sent "
                    + (final ? "" : "at least ") + total.ToString() + ".", null);
            }

            Write(payload);

            if (final)
            {
                Flush();
                AcknowledgeInOrder(true);
            }
            else if (++_blocksSinceAck >= _windowSize)
            {
                AcknowledgeInOrder(true);
            }
            else
            {
                // Mid-window: the next block is due within one timeout.
                _deadline = Now + _timer.NextWaitMs();
            }

            TftpProgressHandler progress = Progress;
            if (progress != null)
            {
                progress(_bytesWritten, _transferSize);
            }

            return final;
        }

        private void OnGap(long received)
        {
            _statistics.OutOfOrderBlocks++;
            if (received <= _staleHorizon && Now < _staleHorizonExpiry)
            {
                return;
            }

            // RFC 7440: acknowledge the last block received in order, so the sender resumes after it.
            if (++_restartsWithoutProgress > _settings.MaxRetries)
            {
                throw Abort(TftpFailure.TimedOut, TftpErrorCode.NotDefined, _server.ToString() + " keeps sending blocks after "
                    + (_blocksWritten + 1).ToString() + " of '" + _fileName + "' but not that one: no progress after "
                    + _restartsWithoutProgress.ToString() + " restarts.", null);
            }

            _statistics.GapAcknowledgements++;
            RequestRestart(received);
        }

        private void OnTimeout()
        {
            _statistics.Timeouts++;
            if (++_consecutiveTimeouts > _settings.MaxRetries)
            {
                string what = _phase == TransferPhase.Requesting ? "the request" : "block " + (_blocksWritten + 1).ToString();
                throw Abort(TftpFailure.TimedOut, TftpErrorCode.NotDefined, "No answer from " + _server.ToString()
                    + " for '" + _fileName + "' at " + what + " after " + _consecutiveTimeouts.ToString()
                    + " timeouts.", null);
            }

            _timer.BackOff();
            if (_phase == TransferPhase.Requesting)
            {
                // The same request again, on the same socket: the answer to the first may still come.
                SendRequest();
            }
            else
            {
                RequestRestart(0);
            }
        }

        // Karn's rule: a reply to a retransmitted datagram cannot be told from a reply to the original,
        // so it makes no sample; until the first sample, though, the time since the latest
        // transmission (a lower bound) is taken, or on a lossy link the timer would keep its cautious
        // initial value for the whole transfer. The request's round trip includes the server's work to
        // start a transfer, perhaps even its own retransmission of the first reply, so it only seeds the
        // timer: the first round trip of the data phase replaces it.
        private void TakeRttSample(bool provisional)
        {
            bool first = _timer.SmoothedRttMs < 0;
            if (!_awaitingRttSample && !first)
            {
                return;
            }

            long rtt = Now - _sentAt;
            if (first || !_dataPhaseMeasured)
            {
                _timer.Restart(rtt);
            }
            else
            {
                _timer.AddSample(rtt);
            }

            _dataPhaseMeasured = !provisional;
            _awaitingRttSample = false;
        }

        private void Write(int payload)
        {
            try
            {
                _destination.Write(_receiveBuffer, TftpPacket.DataHeaderLength, payload);
            }
            catch (Exception e)
            {
                throw StorageFailed(e);
            }

            _bytesWritten += payload;
            _blocksWritten++;
            _statistics.BlocksWritten = _blocksWritten;
        }

        private void Flush()
        {
            try
            {
                _destination.Flush();
            }
            catch (Exception e)
            {
                throw StorageFailed(e);
            }
        }

        // Whatever the destination threw, and on a device that is often a bare System.Exception: the
        // server hears ERROR 3, the one code that says the receiver cannot store the file.
        private TftpException StorageFailed(Exception e)
        {
            return Abort(TftpFailure.StorageFailed, TftpErrorCode.DiskFull, "Writing '" + _fileName + "' failed after "
                + _bytesWritten.ToString() + " bytes: " + ExceptionText.Describe(e), e);
        }

        // If the final ACK is lost the server sends the last block again; stay one timeout to answer it.
        // Not the server's whole timeout: the socket is closed right after, so a later retransmission
        // meets a closed port and can never reach the next transfer.
        private void Dally()
        {
            _phase = TransferPhase.Dallying;
            int finalBlock = BlockNumber.OnTheWire(_blocksWritten);
            long end = Now + _timer.NextWaitMs();
            try
            {
                int length;
                while ((length = Receive(end)) >= 0)
                {
                    if (IsDataBlock(length, finalBlock))
                    {
                        _statistics.FinalAcknowledgementsResent++;
                        AcknowledgeInOrder(false);
                    }
                }
            }
            catch (TftpException e)
            {
                // The file is complete: a network that fails now only keeps the server from hearing
                // the final ACK again, and the server gives up on its own.
                if (e.Failure != TftpFailure.NetworkFailed)
                {
                    throw;
                }
            }
        }

        private bool IsDataBlock(int length, int block)
        {
            return length >= TftpPacket.DataHeaderLength
                && _receiveBuffer[0] == 0 && _receiveBuffer[1] == (byte)TftpOpcode.Data
                && TftpPacket.ReadBlockNumber(_receiveBuffer, length) == block;
        }

        private int Receive(long deadline)
        {
            try
            {
                return _port.Receive(deadline);
            }
            catch (Exception e)
            {
                throw NetworkFailed("receive", e);
            }
        }

        // The network itself failed: no ERROR is sent, since nothing can be, and the exception says
        // what failed in which step, whatever type the platform's socket threw.
        private TftpException NetworkFailed(string step, Exception e)
        {
            return new TftpException(TftpFailure.NetworkFailed, TftpErrorCode.NotDefined, "The network failed: could not " + step
                + " for '" + _fileName + "' from " + _server.ToString() + ": " + ExceptionText.Describe(e), e);
        }

        // Before the server answered there is no transfer to end: its request port gets nothing.
        private TftpException Abort(TftpFailure failure, TftpErrorCode code, string message, Exception inner)
        {
            _port.SendError(_sendBuffer, code, message);
            return new TftpException(failure, code, message, inner);
        }
    }
}
