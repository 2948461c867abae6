using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using TftpNano.Cli.Net;
using TftpNano.Protocol;

namespace TftpNano.Cli.Server;

/// <summary>
/// A read-only TFTP server: RRQ with blksize, tsize, timeout and windowsize, one port and thread per
/// transfer, confined to one folder.
/// </summary>
public sealed class TftpServer : IDisposable
{
    private const int PollMs = 100;
    private readonly ServedFiles _files;
    private readonly HostUdpTransport _listener;
    private readonly ConcurrentDictionary<EndPoint, ServerTransfer> _active = new();
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
        _listener = new HostUdpTransport(listen.AddressFamily, listen);
        _thread = new Thread(Listen) { IsBackground = true, Name = "tftp-listener" };
    }

    /// <summary>Occurs when a transfer ends, successfully or not, on the transfer's thread.</summary>
    public event Action<TransferRecord>? TransferFinished;

    /// <summary>Gets the endpoint requests go to.</summary>
    public IPEndPoint LocalEndPoint => _listener.LocalEndPoint;

    /// <summary>Gets the settings in force.</summary>
    public TftpServerSettings Settings { get; }

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

        foreach (ServerTransfer transfer in _active.Values)
        {
            transfer.Join();
        }

        _listener.Dispose();
    }

    internal void OnFinished(ServerTransfer transfer)
    {
        _active.TryRemove(transfer.Client, out _);
        _finished.Enqueue(transfer.Record);
        TransferFinished?.Invoke(transfer.Record);
    }

    private void Listen()
    {
        byte[] buffer = new byte[TftpPacket.DataHeaderLength + TftpPacket.DefaultBlockSize];
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

            if (request.Opcode == TftpOpcode.WriteRequest)
            {
                SendError(reply, client, TftpErrorCode.AccessViolation, "This server is read-only.");
                continue;
            }

            if (request.Mode != "octet")
            {
                SendError(reply, client, TftpErrorCode.IllegalOperation, "Only octet mode is served.");
                continue;
            }

            if (_active.ContainsKey(client))
            {
                // The client repeated its request before our first reply reached it.
                continue;
            }

            var transfer = new ServerTransfer(this, client, request, _files, _stop.Token);
            if (_active.TryAdd(client, transfer))
            {
                transfer.Start();
            }
        }
    }

    private void SendError(byte[] buffer, IPEndPoint to, TftpErrorCode code, string message)
    {
        try
        {
            _listener.Send(buffer, TftpPacket.WriteError(buffer, code, message), to);
        }
        catch (SocketException)
        {
        }
    }
}
