using System.Net;
using System.Net.Sockets;
using TftpNano.Host.Net;
using TftpNano.Transfer;

namespace TftpNano.Tests.Support;

/// <summary>
/// Opens a client's sockets on one local address: on loopback, each client of a fleet gets an address
/// of its own (127.0.0.0/8), as each board has on a network, so that a server's limits per address see
/// them apart.
/// </summary>
public sealed class BoundTransports(IPAddress address) : IDatagramTransportFactory
{
    /// <inheritdoc />
    public IDatagramTransport Open(AddressFamily addressFamily) =>
        new HostUdpTransport(addressFamily, new IPEndPoint(address, 0), failWhenRefused: true);
}
