using System.Net;

namespace TftpNano.Transfer
{
    /// <summary>
    /// One UDP socket on a port of its own, as the download engine needs it.
    /// </summary>
    /// <remarks>
    /// The engine talks to this seam rather than to <c>Socket</c> so that each platform can use its
    /// cheapest receive path: <see cref="UdpSocketTransport"/> is the portable one the device uses; the
    /// host tool has one that reuses its socket address and allocates nothing per datagram.
    /// </remarks>
    public interface IDatagramTransport
    {
        /// <summary>
        /// Gets the sender of the datagram that <see cref="Receive"/> returned last.
        /// </summary>
        /// <remarks>
        /// Implementations should return the same object while the sender stays the same, so that a
        /// transfer does not allocate an endpoint per block.
        /// </remarks>
        EndPoint LastSender { get; }

        /// <summary>
        /// Sends one datagram.
        /// </summary>
        /// <param name="buffer">The bytes to send, from index 0.</param>
        /// <param name="count">How many bytes to send.</param>
        /// <param name="remote">Where to send them.</param>
        void Send(byte[] buffer, int count, EndPoint remote);

        /// <summary>
        /// Waits for one datagram.
        /// </summary>
        /// <param name="buffer">Where to put it; a longer datagram fills the buffer and is cut.</param>
        /// <param name="timeoutMs">How long to wait, at least 1 millisecond.</param>
        /// <returns>The datagram's length, or -1 when none arrived in time.</returns>
        int Receive(byte[] buffer, int timeoutMs);

        /// <summary>
        /// Closes the socket and frees its port; the transport is not used again.
        /// </summary>
        void Close();
    }
}
