using System;
using System.IO;
using System.Net;
using TftpNano.Protocol;
using TftpNano.Text;

namespace TftpNano.Transfer
{
    /// <summary>
    /// One transfer of a <see cref="TftpDownload"/>: its request and options, its socket, its window, its
    /// timer and its guard, created for the transfer and dropped after it, so that nothing of one
    /// transfer reaches the next.
    /// </summary>
    /// <remarks>
    /// Allocates its receive buffer and a small send buffer once, and nothing per block: each in-order
    /// DATA block is written to the destination straight from the receive buffer.
    /// </remarks>
    internal sealed partial class DownloadRun
    {
        private readonly TftpDownload _owner;
        private readonly TftpProgressHandler _progress;
        private readonly IDatagramTransportFactory _transports;
        private readonly TftpDownloadSettings _settings;
        private readonly ReplyBudget _strangerReplies;
        private readonly IPEndPoint _server;
        private readonly string _fileName;
        // The destination and both buffers are let go when the transfer ends: a download that is kept
        // keeps its last run for its properties, and a device has no room to keep a captured manifest or
        // a block's buffer with it.
        private Stream _destination;
        private readonly TftpTransferStatistics _statistics = new TftpTransferStatistics();
        private readonly RetransmissionTimer _timer;
        private readonly ProgressGuard _guard;
        private readonly TftpOptions _requestedOptions = new TftpOptions();
        private byte[] _receiveBuffer;
        private byte[] _sendBuffer;

        private TransferPort _port;
        private TransferPhase _phase;
        private bool _optionsRequested;

        // What the server's answer settled: null and -1 until it came.
        private ReceiveWindow _window;
        private int _blockSize;
        private long _transferSize = -1;
        private long _bytesWritten;

        // Whether writes are timed: in lock-step only (see WriteTimed); set once the window is settled, so
        // that the per-block path reads a field, not the window's property.
        private bool _lockStep;
        private int _slowestWriteMs;
        private long _deadline;
        private int _consecutiveTimeouts;
        private int _restartsWithoutProgress;

        /// <summary>
        /// Prepares a transfer; <see cref="Execute"/> runs it.
        /// </summary>
        public DownloadRun(TftpDownload owner, TftpProgressHandler progress, IDatagramTransportFactory transports,
            TftpDownloadSettings settings, ReplyBudget strangerReplies, IPEndPoint server, string fileName, Stream destination)
        {
            _owner = owner;
            _progress = progress;
            _transports = transports;
            _settings = settings;
            _strangerReplies = strangerReplies;
            _server = server;
            _fileName = fileName;
            _destination = destination;
            _timer = new RetransmissionTimer(settings.InitialTimeoutMs, settings.MinTimeoutMs, settings.MaxTimeoutMs,
                settings.RandomSeed != 0 ? settings.RandomSeed : new Random().Next());
            _guard = new ProgressGuard(settings, Now);

            // One spare byte beyond the largest block lets an oversized DATA be recognised rather than
            // silently cut to size by the socket.
            int largestBlock = settings.BlockSize > TftpPacket.DefaultBlockSize ? settings.BlockSize : TftpPacket.DefaultBlockSize;
            _receiveBuffer = new byte[TftpPacket.DataHeaderLength + largestBlock + 1];
            _sendBuffer = new byte[fileName.Length + 96];
            _requestedOptions.BlockSize = settings.BlockSize;
            _requestedOptions.WindowSize = settings.WindowSize;
            _requestedOptions.TimeoutSeconds = settings.ServerTimeoutSeconds;
            _requestedOptions.TransferSize = settings.RequestTransferSize ? 0 : -1;
            _requestedOptions.TimeoutMicroseconds = owner.ServerTimer.RequestMicroseconds(settings);
        }

        /// <summary>Gets where the transfer stands.</summary>
        public TransferPhase Phase
        {
            get { return _phase; }
        }

        /// <summary>Gets the block size in effect, or 0 before the server answered.</summary>
        public int BlockSize
        {
            get { return _blockSize; }
        }

        /// <summary>Gets the window size in effect, or 0 before the server answered.</summary>
        public int WindowSize
        {
            get { return _window == null ? 0 : _window.Size; }
        }

        /// <summary>Gets the size the server announced, or -1.</summary>
        public long TransferSize
        {
            get { return _transferSize; }
        }

        /// <summary>Gets the transfer's counters, up to date.</summary>
        public TftpTransferStatistics Statistics
        {
            get
            {
                _statistics.BlocksWritten = _window == null ? 0 : _window.BlocksWritten;
                _statistics.SlowestWriteMs = _slowestWriteMs;
                return _statistics;
            }
        }

        private static long Now
        {
            get { return Environment.TickCount64; }
        }

        /// <summary>
        /// Stops the transfer's socket from waiting any longer.
        /// </summary>
        public void Cancel()
        {
            TransferPort port = _port;
            if (port != null)
            {
                port.Cancel();
            }
        }

        /// <summary>
        /// Runs the transfer to its end.
        /// </summary>
        /// <returns>The number of bytes written.</returns>
        public long Execute()
        {
            try
            {
                StartRequest(_settings.UseOptions);
                while (true)
                {
                    CheckProgress();
                    int length = Receive(_deadline);
                    if (length == TransferPort.Canceled)
                    {
                        throw Abort(TftpFailure.Canceled, TftpErrorCode.NotDefined, "The transfer was canceled.", null);
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
                _owner.ServerTimer.Learn(_timer, _slowestWriteMs);
                _destination = null;
                _receiveBuffer = null;
                _sendBuffer = null;
                _phase = TransferPhase.Ended;
            }
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

            // The port first, then the flag; Cancel sets the flag, then reads the port. Both through full
            // fences, so whichever runs second sees the other: no port escapes the cancel.
            _port = TransferPort.ForReadRequest(transport, _receiveBuffer, _server.Address, _strangerReplies);
            if (_owner.IsCancelRequested)
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
            _window.Acknowledged();
            try
            {
                _port.Send(_sendBuffer, TftpPacket.WriteAcknowledgement(_sendBuffer, BlockNumber.OnTheWire(_window.BlocksWritten)));
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
            _window.Restart(highestSeen, Now + (_timer.TimeoutMs / 2));
            AcknowledgeInOrder(false);
        }

        private void Sent(bool fresh)
        {
            _statistics.PacketsSent++;
            _deadline = _timer.Sent(fresh);
        }

        private void CheckProgress()
        {
            string overrun = _guard.Check(Now, _bytesWritten);
            if (overrun != null)
            {
                throw Abort(TftpFailure.TimedOut, TftpErrorCode.NotDefined, "'" + _fileName + "' from " + _server.ToString()
                    + " " + overrun, null);
            }
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

        private bool OnData(int length)
        {
            if (_phase == TransferPhase.Requesting)
            {
                // DATA in reply to the request: the server took no options (RFC 2347 fallback).
                Answered(TftpPacket.DefaultBlockSize, 1, -1);
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

            long expected = _window.BlocksWritten + 1;
            int distance = BlockNumber.Ahead(TftpPacket.ReadBlockNumber(_receiveBuffer, length), expected);
            if (distance == 0)
            {
                return AcceptBlock(payload);
            }

            if (distance < _window.Size)
            {
                OnGap(expected + distance);
            }
            else
            {
                _statistics.DuplicateBlocks++;
            }

            return false;
        }

        private bool AcceptBlock(int payload)
        {
            _timer.Answered(false);
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

            if (_lockStep)
            {
                WriteTimed(payload);
            }
            else
            {
                Write(payload);
            }

            _bytesWritten = total;
            bool windowComplete = _window.Written();
            if (final)
            {
                Flush();
                AcknowledgeInOrder(true);
            }
            else if (windowComplete)
            {
                AcknowledgeInOrder(true);
            }
            else
            {
                // Mid-window: the next block is due within one timeout.
                _deadline = Now + _timer.NextWaitMs();
            }

            if (_progress != null)
            {
                _progress(total, _transferSize);
            }

            return final;
        }

        private void OnGap(long received)
        {
            _statistics.OutOfOrderBlocks++;
            if (_window.IsStale(received, Now))
            {
                return;
            }

            // RFC 7440: acknowledge the last block received in order, so the sender resumes after it.
            if (++_restartsWithoutProgress > _settings.MaxRetries)
            {
                throw Abort(TftpFailure.TimedOut, TftpErrorCode.NotDefined, _server.ToString() + " keeps sending blocks after "
                    + (_window.BlocksWritten + 1).ToString() + " of '" + _fileName + "' but not that one: no progress after "
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
                string what = _phase == TransferPhase.Requesting ? "the request" : "block " + (_window.BlocksWritten + 1).ToString();
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
        }

        // In lock-step a server waits for each write too, so the slowest one bounds the timeout the next
        // transfer asks it for. A windowed server takes no utimeout, and its blocks go untimed, which
        // spares the clock's two calls per block.
        private void WriteTimed(int payload)
        {
            long started = Now;
            Write(payload);
            long took = Now - started;
            if (took > _slowestWriteMs)
            {
                _slowestWriteMs = (int)took;
            }
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
            int finalBlock = BlockNumber.OnTheWire(_window.BlocksWritten);
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
