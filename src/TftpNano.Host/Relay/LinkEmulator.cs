using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TftpNano.Host.Relay;

/// <summary>Counts what one direction of an emulated link did.</summary>
public sealed class LinkCounters
{
    private long _received;
    private long _dropped;
    private long _duplicated;
    private long _delivered;

    /// <summary>Gets the datagrams that entered the link.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Gets the datagrams the link lost.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Gets the datagrams the link delivered twice.</summary>
    public long Duplicated => Interlocked.Read(ref _duplicated);

    /// <summary>Gets the datagrams that left the link, duplicates included.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    internal void CountReceived() => Interlocked.Increment(ref _received);

    internal void CountDropped() => Interlocked.Increment(ref _dropped);

    internal void CountDuplicated() => Interlocked.Increment(ref _duplicated);

    internal void CountDelivered() => Interlocked.Increment(ref _delivered);

    /// <inheritdoc/>
    public override string ToString() => $"{Received} in, {Dropped} lost, {Duplicated} duplicated, {Delivered} out";
}

/// <summary>
/// A UDP relay on loopback that emulates an impaired link between TFTP clients and one server.
/// </summary>
/// <remarks>
/// <para>
/// Clients send their requests to <see cref="LocalEndPoint"/>. For each client the relay talks to the
/// server from a socket of its own (on the client's own address when that is a loopback one), and for each transfer ID the server answers from it gives the
/// client a fresh port that stands in for the server's, so clients see the TFTP transfer-ID switch
/// exactly as they would without the relay.
/// </para>
/// <para>
/// Each direction delays, jitters (which reorders), loses, duplicates and rate-limits datagrams as its
/// <see cref="LinkProfile"/> says, drawing from a random generator seeded per direction, so a run
/// with one client is reproducible. One thread delivers datagrams at their due time, sleeping while
/// the next is far and spinning for the last stretch, which keeps sub-millisecond delays accurate.
/// </para>
/// </remarks>
public sealed class LinkEmulator : IDisposable
{
    private const int MaxDatagram = 65536;
    // Sleeping is accurate to about a millisecond; the last stretch before a delivery is spun, yielding.
    private static readonly long s_spinTicks = Stopwatch.Frequency * 12 / 10000;

    private readonly IPEndPoint _server;
    private readonly Direction _toServer;
    private readonly Direction _toClient;
    private readonly Socket _listener;
    private readonly ConcurrentDictionary<IPEndPoint, Session> _sessions = new();
    // Ordered by due time, then by arrival, so that equal delays never reorder.
    private readonly PriorityQueue<Delivery, (long Due, long Sequence)> _queue = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _scheduler;
    private readonly List<Socket> _sockets = [];
    private readonly Timer _sweeper;
    private long _sequence;

    /// <summary>
    /// Binds the relay; <see cref="Start"/> begins relaying.
    /// </summary>
    /// <param name="server">The server's request endpoint.</param>
    /// <param name="toServer">Impairments from clients to the server.</param>
    /// <param name="toClient">Impairments from the server to clients.</param>
    /// <param name="seed">Seeds both directions' random generators.</param>
    /// <param name="listen">Where clients send requests; null for an ephemeral loopback port.</param>
    public LinkEmulator(IPEndPoint server, LinkProfile toServer, LinkProfile toClient, int seed, IPEndPoint? listen = null)
    {
        _server = server;
        _toServer = new Direction(toServer, new Random(seed));
        _toClient = new Direction(toClient, new Random(seed ^ 0x5bd1e995));
        _listener = OpenSocket(listen ?? new IPEndPoint(server.Address, 0));
        _scheduler = new Thread(Deliver) { IsBackground = true, Name = "link-emulator" };
        _sweeper = new Timer(_ => Sweep());
    }

    /// <summary>
    /// Gets or sets how long a client's session (its upstream socket and the ports standing in for the
    /// server's transfers) lives without a datagram either way. Default 60 s: longer than any TFTP
    /// client's or server's retransmissions, so that a long-running relay does not grow without bound.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets how many client sessions are open.</summary>
    public int SessionCount => _sessions.Count;

    /// <summary>Gets where clients send their requests.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Gets the counters of the client-to-server direction.</summary>
    public LinkCounters ToServer => _toServer.Counters;

    /// <summary>Gets the counters of the server-to-client direction.</summary>
    public LinkCounters ToClient => _toClient.Counters;

    /// <summary>
    /// Gets or sets a scripted loss on top of the profiles: called with each datagram and whether it
    /// travels to the server; returning true loses it. For tests that need one particular datagram lost.
    /// </summary>
    public Func<ReadOnlyMemory<byte>, bool, bool>? Drop { get; set; }

    /// <summary>Starts relaying.</summary>
    public void Start()
    {
        _scheduler.Start();
        StartReceiving(_listener, OnRequest);
        TimeSpan period = IdleTimeout / 4 < TimeSpan.FromSeconds(5) ? IdleTimeout / 4 : TimeSpan.FromSeconds(5);
        _sweeper.Change(period, period);
    }

    /// <summary>Stops relaying and closes every socket.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _sweeper.Dispose();
        lock (_queue)
        {
            Monitor.Pulse(_queue);
        }

        if (_scheduler.IsAlive)
        {
            _scheduler.Join();
        }

        lock (_sockets)
        {
            foreach (Socket socket in _sockets)
            {
                socket.Dispose();
            }
        }
    }

    private Socket OpenSocket(IPEndPoint local)
    {
        var socket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(local);
        lock (_sockets)
        {
            _sockets.Add(socket);
        }

        return socket;
    }

    // A datagram from a client to the request port: relay it to the server's request port.
    private void OnRequest(IPEndPoint client, byte[] data, int length)
    {
        Session session = _sessions.GetOrAdd(client, c =>
        {
            var created = new Session(c, OpenSocket(new IPEndPoint(UpstreamAddress(c.Address), 0)));
            StartReceiving(created.Upstream, (from, d, l) => OnFromServer(created, from, d, l));
            return created;
        });
        session.Touch();
        Enqueue(_toServer, session.Upstream, _server, data, length);
    }

    // A client on a loopback address of its own (127.0.0.0/8) reaches the server from that address, as
    // it would without the relay, so that a server's limits per client see each client apart; any
    // other client is relayed from the server's side of the relay.
    private IPAddress UpstreamAddress(IPAddress client) =>
        IPAddress.IsLoopback(client) && client.AddressFamily == _server.Address.AddressFamily ? client : _server.Address;

    // A datagram from the server: relay it to the client from the port standing in for the sender.
    private void OnFromServer(Session session, IPEndPoint server, byte[] data, int length)
    {
        Socket standIn = session.StandIns.GetOrAdd(server, s =>
        {
            // On the address the client sent its request to: a client takes the server's transfer ID only
            // from the address it asked.
            Socket socket = OpenSocket(new IPEndPoint(((IPEndPoint)_listener.LocalEndPoint!).Address, 0));
            StartReceiving(socket, (from, d, l) => OnFromClient(session, s, from, d, l));
            return socket;
        });
        session.Touch();
        Enqueue(_toClient, standIn, session.Client, data, length);
    }

    // A datagram from the client to a stand-in port: relay it to the server transfer it stands for.
    private void OnFromClient(Session session, IPEndPoint server, IPEndPoint from, byte[] data, int length)
    {
        if (from.Equals(session.Client))
        {
            session.Touch();
            Enqueue(_toServer, session.Upstream, server, data, length);
        }
    }

    // Closes the sessions nothing went through for IdleTimeout; their receiving threads end with them.
    private void Sweep()
    {
        long idle = (long)(IdleTimeout.TotalSeconds * Stopwatch.Frequency);
        foreach (Session session in _sessions.Values)
        {
            if (Stopwatch.GetTimestamp() - session.LastActivity > idle && _sessions.TryRemove(KeyValuePair.Create(session.Client, session)))
            {
                Socket[] sockets = [session.Upstream, .. session.StandIns.Values];
                lock (_sockets)
                {
                    foreach (Socket socket in sockets)
                    {
                        _sockets.Remove(socket);
                        socket.Dispose();
                    }
                }
            }
        }
    }

    // One thread per socket, blocked in ReceiveFrom: a thread-pool hop per datagram would cost more
    // than the sub-millisecond delays the relay emulates.
    private void StartReceiving(Socket socket, Action<IPEndPoint, byte[], int> handle)
    {
        var thread = new Thread(() =>
        {
            byte[] buffer = new byte[MaxDatagram];
            EndPoint any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
            socket.ReceiveTimeout = 100;
            while (!_stop.IsCancellationRequested)
            {
                EndPoint from = any;
                int length;
                try
                {
                    length = socket.ReceiveFrom(buffer, ref from);
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock or SocketError.ConnectionReset)
                {
                    continue;
                }
                catch (Exception e) when (e is ObjectDisposedException or SocketException)
                {
                    return;
                }

                handle((IPEndPoint)from, buffer, length);
            }
        }) { IsBackground = true, Name = "link-emulator-receive" };
        thread.Start();
    }

    private void Enqueue(Direction direction, Socket from, IPEndPoint to, byte[] data, int length)
    {
        direction.Counters.CountReceived();
        lock (_queue)
        {
            if (direction.Random.NextDouble() < direction.Profile.Loss
                || Drop?.Invoke(data.AsMemory(0, length), direction == _toServer) == true)
            {
                direction.Counters.CountDropped();
                return;
            }

            int copies = direction.Random.NextDouble() < direction.Profile.Duplicate ? 2 : 1;
            if (copies == 2)
            {
                direction.Counters.CountDuplicated();
            }

            long now = Stopwatch.GetTimestamp();
            for (int copy = 0; copy < copies; copy++)
            {
                long departure = now;
                if (direction.Profile.RateBytesPerSecond > 0)
                {
                    // The link serialises datagrams: each leaves once the one before has gone through.
                    departure = Math.Max(now, direction.NextDeparture);
                    direction.NextDeparture = departure + (length * Stopwatch.Frequency / direction.Profile.RateBytesPerSecond);
                }

                double jitter = direction.Profile.Jitter.TotalSeconds * ((2 * direction.Random.NextDouble()) - 1);
                double delay = Math.Max(0, direction.Profile.Delay.TotalSeconds + jitter);
                long due = departure + (long)(delay * Stopwatch.Frequency);
                _queue.Enqueue(new Delivery(from, to, data.AsSpan(0, length).ToArray(), direction), (due, _sequence++));
            }

            Monitor.Pulse(_queue);
        }
    }

    private void Deliver()
    {
        while (!_stop.IsCancellationRequested)
        {
            Delivery? delivery;
            lock (_queue)
            {
                if (!_queue.TryPeek(out delivery, out (long Due, long Sequence) next))
                {
                    Monitor.Wait(_queue, 100);
                    continue;
                }

                long wait = next.Due - Stopwatch.GetTimestamp();
                if (wait > s_spinTicks)
                {
                    Monitor.Wait(_queue, TimeSpan.FromSeconds((double)(wait - s_spinTicks) / Stopwatch.Frequency));
                    continue;
                }

                if (wait > 0)
                {
                    // Close to due: spin outside the lock so that enqueuing is not held up.
                    Monitor.Exit(_queue);
                    try
                    {
                        SpinUntil(next.Due);
                    }
                    finally
                    {
                        Monitor.Enter(_queue);
                    }

                    continue;
                }

                _queue.Dequeue();
            }

            try
            {
                delivery.From.SendTo(delivery.Data, delivery.To);
                delivery.Direction.Counters.CountDelivered();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }
    }

    private static void SpinUntil(long due)
    {
        var spinner = default(SpinWait);
        while (Stopwatch.GetTimestamp() < due)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    private sealed record Delivery(Socket From, IPEndPoint To, byte[] Data, Direction Direction);

    private sealed class Direction(LinkProfile profile, Random random)
    {
        public LinkProfile Profile { get; } = profile;

        public Random Random { get; } = random;

        public LinkCounters Counters { get; } = new();

        public long NextDeparture { get; set; }
    }

    private sealed class Session(IPEndPoint client, Socket upstream)
    {
        private long _lastActivity = Stopwatch.GetTimestamp();

        public IPEndPoint Client { get; } = client;

        public long LastActivity => Interlocked.Read(ref _lastActivity);

        public void Touch() => Interlocked.Exchange(ref _lastActivity, Stopwatch.GetTimestamp());

        public Socket Upstream { get; } = upstream;

        public ConcurrentDictionary<IPEndPoint, Socket> StandIns { get; } = new();
    }
}
