using System.Net.Sockets;

namespace TftpNano.Transfer
{
    /// <summary>
    /// Opens <see cref="UdpSocketTransport"/> sockets: the device's sockets.
    /// </summary>
    public sealed class UdpSocketTransportFactory : IDatagramTransportFactory
    {
        /// <inheritdoc/>
        public IDatagramTransport Open(AddressFamily addressFamily)
        {
            return new UdpSocketTransport(addressFamily);
        }
    }
}
