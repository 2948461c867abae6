using System.Net;
using System.Net.Sockets;
using TftpNano.Transfer;

namespace TftpNano.Cli.Net;

/// <summary>
/// The host's transport: the <see cref="SocketAddress"/> overloads of <see cref="Socket"/> let it
/// send and receive without allocating, so a transfer's allocations do not grow with its size.
/// </summary>
public sealed class HostUdpTransport : IDatagramTransport, IDisposable
{
    private readonly Socket _socket;
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
    public HostUdpTransport(AddressFamily family, IPEndPoint? local = null)
    {
        _socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (OperatingSystem.IsWindows())
            {
                // SIO_UDP_CONNRESET off: otherwise an ICMP port-unreachable fails the next receive.
                const int SioUdpConnReset = -1744830452;
                _socket.IOControl(SioUdpConnReset, [0, 0, 0, 0], null);
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
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
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
    public IDatagramTransport Open(AddressFamily addressFamily) => new HostUdpTransport(addressFamily);
}
