using System.Net;
using System.Net.Sockets;
using TftpNano.Transfer;

namespace TftpNano.Host.Net;

/// <summary>
/// The host's transport: the <see cref="SocketAddress"/> overloads of <see cref="Socket"/> let it
/// send and receive without allocating, so a transfer's allocations do not grow with its size.
/// </summary>
public sealed class HostUdpTransport : IDatagramTransport, IDisposable
{
    // <netinet/in.h> on Linux: IP_RECVERR at SOL_IP, IPV6_RECVERR at SOL_IPV6.
    private const int SolIp = 0;
    private const int IpRecvErr = 11;
    private const int SolIpV6 = 41;
    private const int IpV6RecvErr = 25;

    // <sys/socket.h> and <errno.h> on Linux: SOL_SOCKET, SO_ERROR, ECONNREFUSED.
    private const int SolSocket = 1;
    private const int SoError = 4;
    private const int ConnectionRefusedErrno = 111;

    private readonly Socket _socket;
    private readonly bool _failWhenRefused;
    private readonly SocketAddress _received;
    private readonly IPEndPoint _endPointFactory;
    private SocketAddress? _lastSenderAddress;
    private EndPoint? _lastSender;
    private EndPoint? _sendEndPoint;
    private SocketAddress? _sendAddress;

    // The first endpoint sent to, and whether anything went to another one since.
    private SocketAddress? _firstDestination;
    private bool _sentElsewhere;

    // A refusal that came while datagrams were still queued: reported when they have been read.
    private bool _refusedWithDataQueued;

    /// <summary>
    /// Opens a UDP socket on an ephemeral port, bound to every address of the family, or to <paramref name="local"/>.
    /// </summary>
    /// <param name="family">The address family of the peer.</param>
    /// <param name="local">The local endpoint to bind, or null for any address and an ephemeral port.</param>
    /// <param name="failWhenRefused">
    /// When the host reports a port this socket sent to closed (ICMP port unreachable),
    /// <see cref="Receive"/> throws <see cref="SocketException"/> (<see cref="SocketError.ConnectionRefused"/>)
    /// at once instead of waiting for every retry, as long as everything the socket sent went to one
    /// endpoint: the refusal can then only be that endpoint's. That is a client's request before the
    /// server answered, and a server's transfer whose client went away (a device that rebooted). Once
    /// the socket sent elsewhere (a client's ACKs go to the server's transfer port, an ERROR 5 goes to a
    /// stranger), a refusal could be anyone's and is ignored. Linux reports refusals on an unconnected
    /// UDP socket only with IP_RECVERR (ip(7)).
    /// </param>
    public HostUdpTransport(AddressFamily family, IPEndPoint? local = null, bool failWhenRefused = false)
    {
        _socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
        _failWhenRefused = failWhenRefused;
        try
        {
            if (failWhenRefused && OperatingSystem.IsLinux())
            {
                bool v6 = family == AddressFamily.InterNetworkV6;
                _socket.SetRawSocketOption(v6 ? SolIpV6 : SolIp, v6 ? IpV6RecvErr : IpRecvErr, BitConverter.GetBytes(1));
            }

            if (OperatingSystem.IsWindows())
            {
                // SIO_UDP_CONNRESET off: otherwise an ICMP port-unreachable fails the next receive.
                const int SioUdpConnReset = -1744830452;
                _socket.IOControl(SioUdpConnReset, [0, 0, 0, 0], null);
            }

            if (local is not null && local.Address.Equals(IPAddress.IPv6Any))
            {
                // "::" serves IPv4 clients too, as IPv4-mapped addresses: one socket for both stacks.
                _socket.DualMode = true;
            }

            _socket.Bind(local ?? new IPEndPoint(family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
        _received = new SocketAddress(family);
        _endPointFactory = new IPEndPoint(family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
    }

    /// <summary>Gets the local endpoint the socket is bound to.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <inheritdoc/>
    public EndPoint LastSender => _lastSender!;

    /// <inheritdoc/>
    public void Send(byte[] buffer, int count, EndPoint remote)
    {
        if (!ReferenceEquals(remote, _sendEndPoint))
        {
            _sendEndPoint = remote;
            _sendAddress = remote.Serialize();
            _firstDestination ??= _sendAddress;
            _sentElsewhere |= !_sendAddress.Equals(_firstDestination);
        }

        try
        {
            _socket.SendTo(buffer.AsSpan(0, count), SocketFlags.None, _sendAddress!);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused && !RefusalsCount)
        {
            // Linux reports a pending refusal on the next call, a send too; this one concerned a port the
            // socket no longer cares about, and reporting it consumed it.
            _socket.SendTo(buffer.AsSpan(0, count), SocketFlags.None, _sendAddress!);
        }
    }

    // Whether a refusal is reported: only while everything sent went to one endpoint, whose it must be.
    private bool RefusalsCount => _failWhenRefused && !_sentElsewhere;

    /// <inheritdoc/>
    public int Receive(byte[] buffer, int timeoutMs)
    {
        // Poll rather than ReceiveTimeout: an expired wait then costs no exception and no allocation.
        long deadline = Environment.TickCount64 + Math.Max(1, timeoutMs);
        while (true)
        {
            long remainingMs = deadline - Environment.TickCount64;
            if (remainingMs <= 0 || !_socket.Poll(TimeSpan.FromMilliseconds(remainingMs), SelectMode.SelectRead))
            {
                // A refusal queued with IP_RECVERR does not make the socket readable: it is asked for
                // (SO_ERROR, which also clears it) at the end of every wait.
                if (RefusalsCount && (_refusedWithDataQueued || (OperatingSystem.IsLinux() && PendingError() == ConnectionRefusedErrno)))
                {
                    throw new SocketException((int)SocketError.ConnectionRefused);
                }

                return -1;
            }

            int length;
            try
            {
                length = _socket.ReceiveFrom(buffer, SocketFlags.None, _received);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.MessageSize)
            {
                // The datagram was longer than the buffer: report a full buffer, as nanoFramework does.
                length = buffer.Length;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset
                || (e.SocketErrorCode == SocketError.ConnectionRefused && !RefusalsCount))
            {
                continue;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused && _socket.Available > 0)
            {
                // Linux reports the refusal before what is still queued, and what the peer sent before
                // its port closed (its ERROR, say) is its last word: that is read first, and the refusal
                // reported once nothing is left.
                _refusedWithDataQueued = true;
                continue;
            }

            if (_lastSenderAddress is null || !_lastSenderAddress.Equals(_received))
            {
                // A new sender: the only allocation, once per peer rather than per datagram.
                _lastSenderAddress = new SocketAddress(_received.Family, _received.Size);
                _received.Buffer.CopyTo(_lastSenderAddress.Buffer);
                _lastSender = _endPointFactory.Create(_lastSenderAddress);
            }

            return length;
        }
    }

    // The socket's pending error, cleared by reading it, without an allocation.
    private int PendingError()
    {
        Span<byte> value = stackalloc byte[sizeof(int)];
        _socket.GetRawSocketOption(SolSocket, SoError, value);
        return BitConverter.ToInt32(value);
    }

    /// <summary>Closes the socket.</summary>
    /// <inheritdoc/>
    public void Close() => _socket.Dispose();

    /// <summary>Closes the socket.</summary>
    public void Dispose() => Close();
}

/// <summary>Opens <see cref="HostUdpTransport"/> sockets, each on a new ephemeral port.</summary>
public sealed class HostUdpTransportFactory : IDatagramTransportFactory
{
    /// <summary>The one instance: it holds no state.</summary>
    public static readonly HostUdpTransportFactory Instance = new();

    /// <inheritdoc/>
    public IDatagramTransport Open(AddressFamily addressFamily) => new HostUdpTransport(addressFamily, failWhenRefused: true);
}
