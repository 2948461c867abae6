using System.Net;
using System.Net.Sockets;
using TftpNano.Protocol;
using TftpNano.Transfer;

namespace TftpNano.Host.Server;

/// <summary>
/// One transfer, on its own port and thread: the sending side of a read, or the receiving side of a
/// device's report (in <c>ServerTransfer.Receiving.cs</c>).
/// </summary>
/// <remarks>
/// <para>
/// Windows follow RFC 7440: the server sends up to a window of blocks, then waits for an ACK and
/// resumes after whatever block it names, so a client that ACKs the last block it received in order
/// gets the rest of the window again at once. A repeated ACK makes the server resend at most once per
/// window sent. In lock-step (a window of 1) a repeated ACK resends nothing: only the timer does, as
/// RFC 1123 4.2.3.1 requires, so duplicates cannot multiply.
/// </para>
/// <para>
/// The timer adapts (RFC 1123 4.2.3.2): it starts at the <c>timeout</c> the client asked for (granted
/// only up to <see cref="TftpServerSettings.MaxTimeoutSeconds"/>; a longer one is left out of the OACK,
/// since RFC 2349 wants the value echoed as asked) or the default, never goes below it, follows the
/// measured round trip above it (RFC 6298, Karn's rule) and doubles on every expiry in a row, up to
/// <see cref="TftpServerSettings.MaxTimeoutSeconds"/>.
/// </para>
/// <para>
/// Memory is constant per transfer, whatever the file's size: a buffer of one block to send and one of
/// 516 bytes for what the client sends. The file's length is fixed when it is opened, and no more than
/// that is ever sent. Receiving, the transfer ID and ERROR 5 to strangers are the client's rules too:
/// <see cref="TransferPort"/>.
/// </para>
/// </remarks>
internal sealed partial class ServerTransfer
{
    private readonly TftpServer _server;
    private readonly TftpRequest _request;
    private readonly byte[] _requestDatagram;
    private readonly ServedFiles _files;
    private readonly ReportFolder? _reports;
    private readonly Thread _thread;
    private readonly byte[] _received;
    private byte[] _block = new byte[TftpPacket.DataHeaderLength + TftpPacket.DefaultBlockSize];
    private readonly TransferPort _port;
    private ServedFile? _file;
    private int _blockSize = TftpPacket.DefaultBlockSize;
    private int _windowSize = 1;
    private int _timeoutMs;
    private RetransmissionTimer _timer = null!;
    private long _deadline;
    private long _highestSent;

    // 1 once the transfer only dallies: an int for Volatile, read by the listener's admission.
    private int _dallying;

    // When the client was last heard from: a transfer whose client stays silent for MaxSilence ends.
    private long _lastHeard;

    // Karn's rule: a round trip is measured only from a first transmission to the ACK that covers it.
    private long _timedBlock;
    private long _sentAt;

    public ServerTransfer(TftpServer server, IPEndPoint client, TftpRequest request, ReadOnlySpan<byte> requestDatagram, ServedFiles files,
        ReportFolder? reports, IDatagramTransport socket)
    {
        _server = server;
        _request = request;
        _requestDatagram = requestDatagram.ToArray();
        _files = files;
        _reports = reports;

        // A read receives ACKs (and ERRORs of up to a block); a write receives blocks of up to the largest
        // size granted to a report, and one byte more, so that an oversized one is told apart.
        _received = new byte[TftpPacket.DataHeaderLength + (IsWrite ? MaxReportBlockSize + 1 : TftpPacket.DefaultBlockSize)];
        _port = TransferPort.ToClient(socket, _received, client, server.StrangerReplies);
        _timeoutMs = (int)server.Settings.DefaultTimeout.TotalMilliseconds;
        Client = client;
        Record = new TransferRecord { Client = client, FileName = request.FileName };
        _thread = new Thread(Run) { IsBackground = true, Name = "tftp-transfer" };
    }

    public IPEndPoint Client { get; }

    /// <summary>
    /// Gets whether the transfer counts against the server's caps: until it only dallies after its
    /// final ACK, which a client's next transfers need not wait for.
    /// </summary>
    public bool HoldsSlot => Volatile.Read(ref _dallying) == 0;

    public TransferRecord Record { get; }

    public void Start() => _thread.Start();

    public void Join() => _thread.Join();

    /// <summary>Whether a request is the one this transfer answers, sent again: the same datagram.</summary>
    public bool Answers(ReadOnlySpan<byte> request) => request.SequenceEqual(_requestDatagram);

    /// <summary>Ends the transfer early: its client started over from the same port, or the server stops.</summary>
    public void Cancel() => _port.Cancel();

    private static long Now => Environment.TickCount64;

    private bool IsWrite => _request.Opcode == TftpOpcode.WriteRequest;

    private TftpServerSettings Settings => _server.Settings;

    private void Run()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        _lastHeard = Now;
        try
        {
            if (IsWrite)
            {
                ReceiveReport();
                return;
            }

            if (_files.TryOpen(_request.FileName, out _file) is { } refusal)
            {
                SendError(refusal.Code, refusal.Message);
                Record.Failure = refusal.Message;
                return;
            }

            if (Negotiate())
            {
                SendFile();
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            // The client's host says nothing listens on its port any more (a device that rebooted in the
            // middle, a client that was stopped), on a receive or on the send after it: the slot is
            // freed at once, and nothing more is sent there.
            Record.Failure = "the client's port is closed (ICMP port unreachable)";
        }
        catch (Exception e)
        {
            // Whatever breaks ends this transfer only: the server and the other transfers go on.
            Record.Failure ??= e.Message;
            SendError(TftpErrorCode.NotDefined, "Server error.");
        }
        finally
        {
            _file?.Dispose();
            _port.Close();
            Record.Duration = started.Elapsed;
            _server.OnFinished(this);
        }
    }

    // Answers the request's options; returns false when the transfer ended there.
    private bool Negotiate()
    {
        TftpOptions requested = _request.Options;
        if (requested.IsEmpty || Settings.IgnoreOptions)
        {
            StartTimer();
            return true;
        }

        TftpOptions granted = TftpOptions.Grant(requested, Settings.MaxBlockSize, Settings.MaxWindowSize, Settings.MaxTimeoutSeconds, _file!.Length);
        if (granted.IsEmpty)
        {
            // Nothing could be granted: answer as to a request without options (RFC 2347).
            StartTimer();
            return true;
        }

        _blockSize = granted.BlockSize > 0 ? granted.BlockSize : TftpPacket.DefaultBlockSize;
        _windowSize = granted.WindowSize > 0 ? granted.WindowSize : 1;
        _timeoutMs = granted.TimeoutSeconds > 0 ? granted.TimeoutSeconds * 1000 : _timeoutMs;
        _block = new byte[TftpPacket.DataHeaderLength + Math.Max(_blockSize, TftpPacket.DefaultBlockSize)];
        StartTimer();

        int retries = 0;
        SendOptionAcknowledgement(granted);
        while (true)
        {
            int length = ReceiveFromClient();
            if (length == -2)
            {
                return false;
            }

            if (length < 0)
            {
                if (++retries > Settings.MaxRetries)
                {
                    Record.Failure = "timeout waiting for ACK 0";
                    return false;
                }

                _timer.BackOff();
                SendOptionAcknowledgement(granted);
                continue;
            }

            TftpOpcode opcode = TftpPacket.ReadOpcode(_received, length);
            if (opcode == TftpOpcode.Acknowledgement && TftpPacket.ReadBlockNumber(_received, length) == 0)
            {
                Record.AcknowledgementsReceived++;
                return true;
            }

            if (!ContinueAfter(opcode, length))
            {
                return false;
            }
        }
    }

    // Back-off up to the largest timeout the server grants: a client that went silent holds its slot
    // for MaxRetries of those at most.
    private void StartTimer() =>
        _timer = new RetransmissionTimer(_timeoutMs, _timeoutMs, Math.Max(_timeoutMs, Settings.MaxTimeoutSeconds * 1000), Random.Shared.Next());

    private void SendFile()
    {
        Record.BlockSize = _blockSize;
        Record.WindowSize = _windowSize;
        long finalBlock = (_file!.Length / _blockSize) + 1;
        long acknowledged = 0;
        bool resumedOnDuplicate = false;
        int retries = 0;

        long sent = SendWindow(acknowledged + 1, finalBlock);
        while (true)
        {
            int length = ReceiveFromClient();
            if (length == -2)
            {
                return;
            }

            if (length < 0)
            {
                if (++retries > Settings.MaxRetries)
                {
                    Record.Failure = $"timeout at block {acknowledged + 1}";
                    return;
                }

                _timer.BackOff();
                sent = Math.Max(sent, SendWindow(acknowledged + 1, finalBlock));
                resumedOnDuplicate = false;
                continue;
            }

            TftpOpcode opcode = TftpPacket.ReadOpcode(_received, length);
            if (opcode != TftpOpcode.Acknowledgement)
            {
                if (!ContinueAfter(opcode, length))
                {
                    return;
                }

                continue;
            }

            Record.AcknowledgementsReceived++;
            long advance = BlockNumber.Ahead(TftpPacket.ReadBlockNumber(_received, length), acknowledged);
            if (advance == 0)
            {
                // A repeated ACK. In lock-step it only ever answers a duplicated block, and resending on
                // it would send every later block twice (RFC 1123 4.2.3.1): there the timer alone
                // resends. In a window it asks for the rest of the window (RFC 7440), once per window.
                if (_windowSize > 1 && !resumedOnDuplicate && sent > acknowledged)
                {
                    resumedOnDuplicate = true;
                    SendWindow(acknowledged + 1, finalBlock);
                }

                continue;
            }

            if (advance > sent - acknowledged)
            {
                continue;
            }

            acknowledged += advance;
            OnProgress(acknowledged);
            retries = 0;
            Record.BytesAcknowledged = Math.Min(acknowledged * _blockSize, _file.Length);
            if (acknowledged == finalBlock)
            {
                Record.Completed = true;
                return;
            }

            sent = Math.Max(sent, SendWindow(acknowledged + 1, finalBlock));
            resumedOnDuplicate = false;
        }
    }

    private void OnProgress(long acknowledged)
    {
        if (_timedBlock > 0 && acknowledged >= _timedBlock)
        {
            _timer.AddSample(Now - _sentAt);
            _timedBlock = 0;
        }

        _timer.ResetBackOff();
    }

    // Sends blocks first.. up to a window, never past the final one; returns the last block sent.
    private long SendWindow(long first, long finalBlock)
    {
        long last = Math.Min(first + _windowSize - 1, finalBlock);
        bool fresh = first > _highestSent;
        for (long block = first; block <= last; block++)
        {
            int payload = _file!.Read(_block.AsSpan(TftpPacket.DataHeaderLength, _blockSize), (block - 1) * _blockSize);
            TftpPacket.WriteDataHeader(_block, BlockNumber.OnTheWire(block));
            Record.DataPacketsSent++;
            if (block <= _highestSent)
            {
                Record.DataPacketsResent++;
            }

            _port.Send(_block, TftpPacket.DataHeaderLength + payload);
        }

        _highestSent = Math.Max(_highestSent, last);
        if (fresh)
        {
            _timedBlock = last;
            _sentAt = Now;
        }
        else
        {
            _timedBlock = 0;
        }

        _deadline = Now + _timer.NextWaitMs();
        return last;
    }

    private void SendOptionAcknowledgement(TftpOptions granted)
    {
        _port.Send(_block, TftpPacket.WriteOptionAcknowledgement(_block, granted));
        _deadline = Now + _timer.NextWaitMs();
    }

    // Returns the length of the next datagram from the client, -1 at the deadline, -2 when the transfer ends.
    private int ReceiveFromClient()
    {
        int length = _port.Receive(_deadline);

        if (length == TransferPort.Canceled)
        {
            Record.Failure ??= "ended by a new request from the same port, or by the server's stop";
            return -2;
        }

        if (length == TransferPort.Expired)
        {
            Record.TimeoutsExpired++;
            if (Now - _lastHeard >= (long)Settings.MaxSilence.TotalMilliseconds)
            {
                Record.Failure = $"no answer from the client for {(Now - _lastHeard) / 1000.0:0.0} s";
                return -2;
            }

            return -1;
        }

        _lastHeard = Now;

        try
        {
            TftpPacket.ReadOpcode(_received, length);
            if (length < TftpPacket.AcknowledgementLength)
            {
                throw new TftpException(TftpFailure.MalformedPacket, "A datagram of " + length + " bytes.");
            }
        }
        catch (TftpException e)
        {
            SendError(TftpErrorCode.IllegalOperation, e.Message);
            Record.Failure = e.Message;
            return -2;
        }

        return length;
    }

    // Handles a datagram that is not the expected ACK; returns whether the transfer goes on.
    private bool ContinueAfter(TftpOpcode opcode, int length)
    {
        if (opcode == TftpOpcode.Error)
        {
            TftpErrorCode code = TftpPacket.ReadAnyError(_received, length, out string message);
            Record.Failure = $"client sent error {(int)code}: {message}";
            return false;
        }

        if (opcode == TftpOpcode.Acknowledgement)
        {
            Record.AcknowledgementsReceived++;
            return true;
        }

        SendError(TftpErrorCode.IllegalOperation, "Expected an ACK.");
        Record.Failure = $"client sent opcode {(int)opcode}";
        return false;
    }

    // Encoded in the block buffer, which holds nothing the transfer still needs: blocks are read anew
    // from the file for every send.
    private void SendError(TftpErrorCode code, string message) => _port.SendError(_block, code, message);
}
