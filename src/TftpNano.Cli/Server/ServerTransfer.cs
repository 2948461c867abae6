using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TftpNano.Cli.Net;
using TftpNano.Protocol;

namespace TftpNano.Cli.Server;

/// <summary>
/// The sending side of one read transfer, on its own port and thread.
/// </summary>
/// <remarks>
/// Windows follow RFC 7440: the server sends up to a window of blocks, then waits for an ACK and
/// resumes after whatever block it names, so a client that ACKs the last block it received in order
/// gets the rest of the window again at once. A duplicate ACK makes the server resend at most once
/// per window sent. In lock-step (a window of 1) a duplicate ACK resends nothing: only the timer does,
/// as RFC 1123 4.2.3.1 requires, so duplicates cannot multiply.
/// </remarks>
internal sealed class ServerTransfer
{
    private const int PollMs = 100;
    private readonly TftpServer _server;
    private readonly TftpRequest _request;
    private readonly ServedFiles _files;
    private readonly CancellationToken _stop;
    private readonly FaultScript? _faults;
    private readonly Dictionary<long, int> _attempts = new();
    private readonly Thread _thread;
    private HostUdpTransport _transport = null!;
    private HostUdpTransport? _strayTransport;
    private FileStream _file = null!;
    private byte[] _buffer = null!;
    private byte[]? _held;
    private int _blockSize = TftpPacket.DefaultBlockSize;
    private int _windowSize = 1;
    private int _timeoutMs;
    private long _deadline;

    public ServerTransfer(TftpServer server, IPEndPoint client, TftpRequest request, ServedFiles files, CancellationToken stop)
    {
        _server = server;
        _request = request;
        _files = files;
        _stop = stop;
        _faults = server.Settings.Faults;
        _timeoutMs = (int)server.Settings.DefaultTimeout.TotalMilliseconds;
        Client = client;
        Record = new TransferRecord { Client = client, FileName = request.FileName };
        _thread = new Thread(Run) { IsBackground = true, Name = "tftp-transfer" };
    }

    public IPEndPoint Client { get; }

    public TransferRecord Record { get; }

    public void Start() => _thread.Start();

    public void Join() => _thread.Join();

    private static long Now => Environment.TickCount64;

    private void Run()
    {
        try
        {
            _transport = new HostUdpTransport(Client.AddressFamily, new IPEndPoint(_server.LocalEndPoint.Address, 0));
            _buffer = new byte[TftpPacket.DataHeaderLength + TftpPacket.DefaultBlockSize];
            if (_files.TryResolve(_request.FileName, out string path) is { } refusal)
            {
                SendError(refusal.Code, refusal.Message);
                Record.Failure = refusal.Message;
                return;
            }

            try
            {
                _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                SendError(TftpErrorCode.AccessViolation, "Cannot read the file.");
                Record.Failure = e.Message;
                return;
            }

            using (_file)
            {
                if (Negotiate())
                {
                    SendFile();
                }
            }
        }
        catch (ScriptedFailureException)
        {
            Record.Failure = "scripted failure";
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            Record.Failure = e.Message;
            SendError(TftpErrorCode.NotDefined, "Server error.");
        }
        finally
        {
            DrainStrayPort();
            _transport?.Dispose();
            _server.OnFinished(this);
        }
    }

    // Answers the request's options; returns false when the transfer ended there.
    private bool Negotiate()
    {
        TftpOptions requested = _request.Options;
        if (requested.IsEmpty || _faults?.IgnoreOptions == true)
        {
            return true;
        }

        if (_faults?.RejectOptions == true)
        {
            SendError(TftpErrorCode.OptionNegotiationFailed, "Options are refused.");
            Record.Failure = "options refused";
            return false;
        }

        var granted = new TftpOptions();
        if (requested.BlockSize > 0)
        {
            granted.BlockSize = Math.Min(requested.BlockSize, _server.Settings.MaxBlockSize);
        }

        if (requested.WindowSize > 0)
        {
            granted.WindowSize = Math.Min(requested.WindowSize, _server.Settings.MaxWindowSize);
        }

        if (requested.TimeoutSeconds > 0)
        {
            granted.TimeoutSeconds = requested.TimeoutSeconds;
        }

        if (requested.TransferSize >= 0)
        {
            granted.TransferSize = _file.Length;
        }

        granted = _faults?.ForcedOptionAcknowledgement ?? granted;
        _blockSize = granted.BlockSize > 0 ? granted.BlockSize : TftpPacket.DefaultBlockSize;
        _windowSize = granted.WindowSize > 0 ? granted.WindowSize : 1;
        _timeoutMs = granted.TimeoutSeconds > 0 ? granted.TimeoutSeconds * 1000 : _timeoutMs;
        _buffer = new byte[TftpPacket.DataHeaderLength + Math.Max(_blockSize, TftpPacket.DefaultBlockSize)];

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
                if (++retries > _server.Settings.MaxRetries)
                {
                    Record.Failure = "timeout waiting for ACK 0";
                    return false;
                }

                SendOptionAcknowledgement(granted);
                continue;
            }

            TftpOpcode opcode = TftpPacket.ReadOpcode(_buffer, length);
            if (opcode == TftpOpcode.Acknowledgement && TftpPacket.ReadBlockNumber(_buffer, length) == 0)
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

    private void SendFile()
    {
        Record.BlockSize = _blockSize;
        Record.WindowSize = _windowSize;
        long finalBlock = (_file.Length / _blockSize) + 1;
        long acknowledged = 0;
        long sent = 0;
        bool resumedOnDuplicate = false;
        int retries = 0;

        sent = SendWindow(acknowledged + 1, finalBlock);
        while (true)
        {
            int length = ReceiveFromClient();
            if (length == -2)
            {
                return;
            }

            if (length < 0)
            {
                if (++retries > _server.Settings.MaxRetries)
                {
                    Record.Failure = $"timeout at block {acknowledged + 1}";
                    return;
                }

                sent = Math.Max(sent, SendWindow(acknowledged + 1, finalBlock));
                resumedOnDuplicate = false;
                continue;
            }

            TftpOpcode opcode = TftpPacket.ReadOpcode(_buffer, length);
            if (opcode != TftpOpcode.Acknowledgement)
            {
                if (!ContinueAfter(opcode, length))
                {
                    return;
                }

                continue;
            }

            Record.AcknowledgementsReceived++;
            long advance = (TftpPacket.ReadBlockNumber(_buffer, length) - acknowledged) & 0xFFFF;
            if (advance == 0)
            {
                // A repeated ACK. In lock-step it is only ever an answer to a duplicated block, and
                // resending on it would send every later block twice (RFC 1123 4.2.3.1): there the timer
                // alone resends. In a window it asks for the rest of the window (RFC 7440), once per window.
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

    // Sends blocks first.. up to a window, never past the final one; returns the last block sent.
    private long SendWindow(long first, long finalBlock)
    {
        long last = Math.Min(first + _windowSize - 1, finalBlock);
        for (long block = first; block <= last; block++)
        {
            long position = (block - 1) * _blockSize;
            if (_file.Position != position)
            {
                _file.Position = position;
            }

            int payload = _file.ReadAtLeast(_buffer.AsSpan(TftpPacket.DataHeaderLength, _blockSize), _blockSize, throwOnEndOfStream: false);
            TftpPacket.WriteDataHeader(_buffer, (int)(block & 0xFFFF));
            int attempt = _attempts.TryGetValue(block, out int previous) ? previous + 1 : 1;
            _attempts[block] = attempt;
            Record.DataPacketsSent++;
            if (attempt > 1)
            {
                Record.DataPacketsResent++;
            }

            Transmit(new OutgoingPacket(TftpOpcode.Data, block, attempt), TftpPacket.DataHeaderLength + payload);
        }

        _deadline = Now + _timeoutMs;
        return last;
    }

    private void SendOptionAcknowledgement(TftpOptions granted)
    {
        int attempt = _attempts.TryGetValue(0, out int previous) ? previous + 1 : 1;
        _attempts[0] = attempt;
        Transmit(new OutgoingPacket(TftpOpcode.OptionAcknowledgement, 0, attempt),
            TftpPacket.WriteOptionAcknowledgement(_buffer, granted));
        _deadline = Now + _timeoutMs;
    }

    private void Transmit(OutgoingPacket packet, int length)
    {
        switch (_faults?.OnSend?.Invoke(packet) ?? FaultAction.Send)
        {
            case FaultAction.Drop:
                return;
            case FaultAction.Duplicate:
                _transport.Send(_buffer, length, Client);
                break;
            case FaultAction.Hold:
                _held = _buffer.AsSpan(0, length).ToArray();
                return;
            case FaultAction.AlsoFromStrayPort:
                _strayTransport ??= new HostUdpTransport(Client.AddressFamily, new IPEndPoint(_server.LocalEndPoint.Address, 0));
                _strayTransport.Send(_buffer, length, Client);
                break;
            case FaultAction.FailTransfer:
                SendError(TftpErrorCode.NotDefined, "Scripted failure.");
                throw new ScriptedFailureException();
        }

        _transport.Send(_buffer, length, Client);
        if (_held is { } held)
        {
            _held = null;
            _transport.Send(held, held.Length, Client);
        }
    }

    // Returns the length of the next datagram from the client, -1 at the deadline, -2 when stopped.
    private int ReceiveFromClient()
    {
        while (!_stop.IsCancellationRequested)
        {
            long remaining = _deadline - Now;
            if (remaining <= 0)
            {
                Record.TimeoutsExpired++;
                return -1;
            }

            int length = _transport.Receive(_buffer, (int)Math.Min(remaining, PollMs));
            if (length < 0)
            {
                continue;
            }

            if (!_transport.LastSender.Equals(Client))
            {
                SendError(TftpErrorCode.UnknownTransferId, "Unknown transfer ID", _transport.LastSender);
                continue;
            }

            try
            {
                TftpPacket.ReadOpcode(_buffer, length);
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

            if (_faults?.DropAcknowledgement is { } drop && _buffer[1] == (byte)TftpOpcode.Acknowledgement
                && drop(TftpPacket.ReadBlockNumber(_buffer, length)))
            {
                continue;
            }

            return length;
        }

        Record.Failure = "server stopped";
        return -2;
    }

    // Handles a datagram that is not the expected ACK; returns whether the transfer goes on.
    private bool ContinueAfter(TftpOpcode opcode, int length)
    {
        if (opcode == TftpOpcode.Error)
        {
            TftpErrorCode code;
            string message;
            try
            {
                code = TftpPacket.ReadError(_buffer, length, out message);
            }
            catch (TftpException e)
            {
                code = TftpErrorCode.NotDefined;
                message = e.Message;
            }

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

    private void SendError(TftpErrorCode code, string message, EndPoint? to = null)
    {
        try
        {
            byte[] packet = new byte[TftpPacket.DataHeaderLength + 1 + message.Length];
            _transport.Send(packet, TftpPacket.WriteError(packet, code, message), to ?? Client);
        }
        catch (SocketException)
        {
        }
    }

    private void DrainStrayPort()
    {
        if (_strayTransport is null)
        {
            return;
        }

        byte[] packet = new byte[TftpPacket.DataHeaderLength + TftpPacket.DefaultBlockSize];
        var watch = Stopwatch.StartNew();
        while (Record.StrayErrorsReceived == 0 && watch.ElapsedMilliseconds < 500)
        {
            int length = _strayTransport.Receive(packet, 100);
            if (length >= TftpPacket.DataHeaderLength && packet[0] == 0 && packet[1] == (byte)TftpOpcode.Error)
            {
                Record.StrayErrorsReceived++;
            }
        }

        _strayTransport.Dispose();
    }

    private sealed class ScriptedFailureException : Exception
    {
    }
}
