using System.Net.Sockets;

namespace TftpNano.Transfer
{
    /// <summary>
    /// Opens UDP sockets, each on a new ephemeral port.
    /// </summary>
    /// <remarks>
    /// RFC 1350 (section 4) wants a new transfer ID for every transfer. A download therefore opens its
    /// own socket, and one more when it falls back to a request without options, and closes them when
    /// it ends: whatever the server still sends for an earlier transfer or request (a retransmitted
    /// final block, an answer to a retransmitted request) then reaches a closed port and can never be
    /// taken for the next transfer's data.
    /// </remarks>
    public interface IDatagramTransportFactory
    {
        /// <summary>
        /// Opens a socket bound to a new ephemeral port.
        /// </summary>
        /// <param name="addressFamily">The server's address family.</param>
        /// <returns>The socket; the caller closes it.</returns>
        IDatagramTransport Open(AddressFamily addressFamily);
    }
}
