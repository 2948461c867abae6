using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using TftpNano.Host.Net;
using TftpNano.Protocol;
using TftpNano.Transfer;

namespace TftpNano.Host.Server;

/// <summary>
/// A TFTP server: RRQ with blksize, tsize, timeout and windowsize, one port and thread per transfer,
/// confined to one folder, and read-only but for devices' reports when a report folder is set
/// (<see cref="TftpServerSettings.ReportsFolder"/>).
/// </summary>
/// <remarks>
/// Fit to face a LAN: transfers are capped in total and per client address. A request over the total
/// cap waits, first come first served, without a reply, until a transfer ends (the client's own
/// retransmissions of it are absorbed meanwhile), so that a fleet that boots at once is served in turn
/// instead of turned away; over the cap of its address, or when the waiting line is full, a request
/// gets ERROR 0 "Server busy." and nothing is allocated for it. A request from the port of a running
/// transfer is that transfer's own request again when it is the same datagram, and is left to the
/// transfer to answer, and otherwise means the client started over, which ends that transfer; ERROR
/// replies to requests that are refused and to strangers are rate-limited; and whatever fails inside a
/// transfer ends that transfer only.
/// </remarks>
public sealed class TftpServer : IDisposable
{
    private const int PollMs = 100;

    // RFC 2347 caps a request at 512 bytes; the 516 of a DATA packet, which this server has always
    // read, are taken.
    private const int MaxRequestLength = TftpPacket.DataHeaderLength + TftpPacket.DefaultBlockSize;
    private readonly ServedFiles _files;
    private readonly ReportFolder? _reports;
    private readonly HostUdpTransport _listener;
    private readonly ConcurrentDictionary<EndPoint, ServerTransfer> _active = new();

    // Admission: the running transfers are counted and the waiting line changed under this lock, by the
    // listener when a request comes and by a transfer's thread when it ends.
    private readonly object _admission = new();
    private readonly List<WaitingRequest> _waiting = [];
    private readonly ConcurrentQueue<TransferRecord> _finished = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;

    /// <summary>
    /// Binds the server; <see cref="Start"/> begins serving.
    /// </summary>
    /// <param name="root">The folder to serve.</param>
    /// <param name="listen">The request endpoint; port 0 picks a free one.</param>
    /// <param name="settings">Limits and behaviour; null for the defaults.</param>
    public TftpServer(string root, IPEndPoint listen, TftpServerSettings? settings = null)
    {
        _files = new ServedFiles(root);
        Settings = settings ?? new TftpServerSettings();
        _reports = Settings.ReportsFolder is { } reports ? new ReportFolder(root, reports) : null;
        StrangerReplies = new ReplyBudget(Settings.MaxErrorsPerSecond);
        _listener = new HostUdpTransport(listen.AddressFamily, listen);
        _thread = new Thread(Listen) { IsBackground = true, Name = "tftp-listener" };
    }

    /// <summary>Occurs when a transfer ends, successfully or not, on the transfer's thread.</summary>
    public event Action<TransferRecord>? TransferFinished;

    /// <summary>Gets the endpoint requests go to.</summary>
    public IPEndPoint LocalEndPoint => _listener.LocalEndPoint;

    /// <summary>Gets the folder that takes devices' reports, or null for a read-only server.</summary>
    public ReportFolder? ReportFolder => _reports;

    /// <summary>Gets the settings in force.</summary>
    public TftpServerSettings Settings { get; }

    /// <summary>
    /// Gets the budget of ERROR replies to refused requests and to strangers, shared by the listener and
    /// every transfer: at most <see cref="TftpServerSettings.MaxErrorsPerSecond"/> a second, so that a
    /// flood of bad datagrams is not answered in kind.
    /// </summary>
    internal ReplyBudget StrangerReplies { get; }

    /// <summary>Gets the transfers that have ended, oldest first.</summary>
    public IReadOnlyCollection<TransferRecord> FinishedTransfers => _finished;

    /// <summary>Starts serving on a background thread.</summary>
    public void Start() => _thread.Start();

    /// <summary>
    /// Waits until <paramref name="count"/> transfers have ended.
    /// </summary>
    /// <param name="count">How many.</param>
    /// <param name="timeout">How long at most.</param>
    /// <returns>Whether they did.</returns>
    public bool WaitForFinishedTransfers(int count, TimeSpan timeout)
    {
        DateTime end = DateTime.UtcNow + timeout;
        while (_finished.Count < count)
        {
            if (DateTime.UtcNow > end)
            {
                return false;
            }

            Thread.Sleep(5);
        }

        return true;
    }

    /// <summary>Stops listening and ends the running transfers.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        if (_thread.IsAlive)
        {
            _thread.Join();
        }

        // The listener has stopped, and a transfer that ends now starts no waiting one: no transfer
        // starts after this.
        lock (_admission)
        {
            _waiting.Clear();
        }

        foreach (ServerTransfer transfer in _active.Values)
        {
            transfer.Cancel();
            transfer.Join();
        }

        _listener.Dispose();
    }

    /// <summary>
    /// A transfer whose work is done and that only dallies (a report stored, waiting one timeout to
    /// acknowledge its final block again) gives its slot up: the waiting line moves on.
    /// </summary>
    internal void OnDallying() => AdmitWaiting();

    internal void OnFinished(ServerTransfer transfer)
    {
        // Only this transfer's entry: a newer one from the same client may have taken its place.
        _active.TryRemove(KeyValuePair.Create((EndPoint)transfer.Client, transfer));
        _finished.Enqueue(transfer.Record);
        AdmitWaiting();
        TransferFinished?.Invoke(transfer.Record);
    }

    private void Listen()
    {
        // One byte more than the longest request taken, so that a longer one is told apart from one
        // the socket cut short.
        byte[] buffer = new byte[MaxRequestLength + 1];
        byte[] reply = new byte[TftpPacket.DataHeaderLength + TftpPacket.DefaultBlockSize];
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                length = _listener.Receive(buffer, PollMs);
            }
            catch (SocketException)
            {
                continue;
            }

            if (length < 0)
            {
                continue;
            }

            IPEndPoint client = (IPEndPoint)_listener.LastSender;
            if (length > MaxRequestLength)
            {
                SendError(reply, client, TftpErrorCode.IllegalOperation, $"The request is longer than {MaxRequestLength} bytes.");
                continue;
            }

            TftpRequest request;
            try
            {
                request = TftpPacket.ReadRequest(buffer, length);
            }
            catch (TftpException e)
            {
                SendError(reply, client, TftpErrorCode.IllegalOperation, e.Message);
                continue;
            }

            if (request.Opcode == TftpOpcode.WriteRequest && _reports is null)
            {
                SendError(reply, client, TftpErrorCode.AccessViolation, "This server is read-only.");
                continue;
            }

            if (request.Opcode == TftpOpcode.WriteRequest && _reports!.Check(request.FileName, out _) is { } refusal)
            {
                SendError(reply, client, refusal.Code, refusal.Message);
                continue;
            }

            if (request.Mode != "octet")
            {
                SendError(reply, client, TftpErrorCode.IllegalOperation, "Only octet mode is served.");
                continue;
            }

            Accept(client, request, buffer.AsSpan(0, length), reply);
        }
    }

    private void Accept(IPEndPoint client, TftpRequest request, ReadOnlySpan<byte> datagram, byte[] reply)
    {
        lock (_admission)
        {
            Admit(client, request, datagram, reply);
        }
    }

    private void Admit(IPEndPoint client, TftpRequest request, ReadOnlySpan<byte> datagram, byte[] reply)
    {
        if (_active.TryGetValue(client, out ServerTransfer? previous))
        {
            // The same request again from the port of a running transfer: the client sent it again
            // before the first answer reached it, and this copy may arrive after the client has latched
            // on that answer (a busy listener, a slow link). The running transfer is the answer; its own
            // timer resends what the client may have missed. A second transfer would only be refused by
            // the client (ERROR 5), and ending the first would strand it. A client that really started
            // over with the same request refuses the old transfer's next block as a stranger's, which
            // ends it, and its next try is accepted.
            if (previous.Answers(datagram))
            {
                return;
            }

            // Another request from that port: the client started over (RFC 1350 gives every transfer a
            // new port, so it cannot be asking for a second one), and the old transfer ends.
            previous.Cancel();
        }

        int fromClient = _active.Values.Count(t => t != previous && t.HoldsSlot && t.Client.Address.Equals(client.Address));
        int running = _active.Values.Count(t => t != previous && t.HoldsSlot);
        if (fromClient >= Settings.MaxTransfersPerClient)
        {
            SendError(reply, client, TftpErrorCode.NotDefined, "Server busy.");
            return;
        }

        if (running >= Settings.MaxTransfers)
        {
            Wait(client, request, datagram, reply);
            return;
        }

        StartTransfer(client, request, datagram, reply);
    }

    // A request over the total cap takes its place in line; the same client asking again (its
    // retransmission, or a new request from the same port) keeps the place.
    private void Wait(IPEndPoint client, TftpRequest request, ReadOnlySpan<byte> datagram, byte[] reply)
    {
        long now = Environment.TickCount64;
        _waiting.RemoveAll(w => now - w.Since > (long)Settings.MaxRequestWait.TotalMilliseconds);
        int place = _waiting.FindIndex(w => w.Client.Equals(client));
        if (place >= 0)
        {
            _waiting[place] = _waiting[place] with { Request = request, Datagram = datagram.ToArray() };
            return;
        }

        if (_waiting.Count >= Settings.MaxWaitingRequests)
        {
            SendError(reply, client, TftpErrorCode.NotDefined, "Server busy.");
            return;
        }

        _waiting.Add(new WaitingRequest(client, request, datagram.ToArray(), now));
    }

    // Starts the waiting requests that now fit, oldest first; one whose client has since reached its
    // address's cap waits on.
    private void AdmitWaiting()
    {
        byte[]? reply = null;
        lock (_admission)
        {
            long now = Environment.TickCount64;
            for (int i = 0; i < _waiting.Count && _active.Values.Count(t => t.HoldsSlot) < Settings.MaxTransfers && !_stop.IsCancellationRequested;)
            {
                WaitingRequest waiting = _waiting[i];
                if (now - waiting.Since > (long)Settings.MaxRequestWait.TotalMilliseconds)
                {
                    _waiting.RemoveAt(i);
                    continue;
                }

                if (_active.ContainsKey(waiting.Client)
                    || _active.Values.Count(t => t.HoldsSlot && t.Client.Address.Equals(waiting.Client.Address)) >= Settings.MaxTransfersPerClient)
                {
                    i++;
                    continue;
                }

                _waiting.RemoveAt(i);
                reply ??= new byte[TftpPacket.DataHeaderLength + TftpPacket.DefaultBlockSize];
                StartTransfer(waiting.Client, waiting.Request, waiting.Datagram, reply);
            }
        }
    }

    private void StartTransfer(IPEndPoint client, TftpRequest request, ReadOnlySpan<byte> datagram, byte[] reply)
    {
        // The transfer's socket and thread are made here, so that when the process has no descriptor
        // or thread left (Linux reports both as errors, .NET a thread as OutOfMemoryException) the
        // client still hears why from the listener.
        IDatagramTransport? socket = null;
        try
        {
            socket = OpenTransferSocket();
            var transfer = new ServerTransfer(this, client, request, datagram, _files, _reports, socket);
            _active[client] = transfer;
            try
            {
                transfer.Start();
            }
            catch
            {
                _active.TryRemove(KeyValuePair.Create((EndPoint)client, transfer));
                throw;
            }
        }
        catch (Exception e) when (e is SocketException or OutOfMemoryException or ThreadStartException)
        {
            socket?.Close();
            SendError(reply, client, TftpErrorCode.NotDefined, "Server busy.");
        }
    }

    /// <summary>A request waiting for a transfer to end: its client, what it asked and since when.</summary>
    private sealed record WaitingRequest(IPEndPoint Client, TftpRequest Request, byte[] Datagram, long Since);

    // On any free port, or on the first free one of the range, from a random place in it so that
    // ports are not reused in order; a range with no free port throws, and the client hears "busy".
    private IDatagramTransport OpenTransferSocket()
    {
        IPAddress address = LocalEndPoint.Address;
        if (Settings.TransferPorts is not (int first, int last))
        {
            return Settings.OpenTransferSocket(new IPEndPoint(address, 0));
        }

        int count = last - first + 1;
        int start = Random.Shared.Next(count);
        for (int i = 0; i < count; i++)
        {
            try
            {
                return Settings.OpenTransferSocket(new IPEndPoint(address, first + ((start + i) % count)));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
            }
        }

        throw new SocketException((int)SocketError.AddressAlreadyInUse);
    }

    private void SendError(byte[] buffer, IPEndPoint to, TftpErrorCode code, string message)
    {
        if (!StrangerReplies.TryTake())
        {
            return;
        }

        try
        {
            _listener.Send(buffer, TftpPacket.WriteError(buffer, code, message), to);
        }
        catch (SocketException)
        {
        }
    }
}
