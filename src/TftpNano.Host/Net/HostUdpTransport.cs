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

    private readonly Socket _socket;
    private readonly bool _failWhenRefused;
    private readonly SocketAddress _received;
    private readonly IPEndPoint _endPointFactory;
    private SocketAddress? _lastSenderAddress;
    private EndPoint? _lastSender;
    private EndPoint? _sendEndPoint;
    private SocketAddress? _sendAddress;

    /// <summary>
    /// Opens a UDP socket on an ephemeral port, bound to every address of the family, or to <paramref name="local"/>.
    /// </summary>
    /// <param name="family">The address family of the peer.</param>
    /// <param name="local">The local endpoint to bind, or null for any address and an ephemeral port.</param>
    /// <param name="failWhenRefused">
    /// For a client: when the host reports the server's port closed (ICMP port unreachable) before
    /// anything was received, <see cref="Receive"/> throws <see cref="SocketException"/>
    /// (<see cref="SocketError.ConnectionRefused"/>) at once instead of waiting for every retry. Linux
    /// reports that on an unconnected UDP socket only with IP_RECVERR (ip(7)). Once a peer answered, an
    /// ICMP can only concern a stranger's port this side sent an ERROR to, and is ignored.
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
        }

        _socket.SendTo(buffer.AsSpan(0, count), SocketFlags.None, _sendAddress!);
    }

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
                || (e.SocketErrorCode == SocketError.ConnectionRefused && !(_failWhenRefused && _lastSender is null)))
            {
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
