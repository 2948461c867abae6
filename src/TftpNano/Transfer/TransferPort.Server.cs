using System;
using System.Net;
using TftpNano.Protocol;

namespace TftpNano.Transfer
{
    // The server's side of the port: compiled for the desktop, and left out of the device's build (the
    // nanoFramework project does not list this file), which never serves a transfer.
    public sealed partial class TransferPort
    {
        /// <summary>
        /// A server's port for one transfer: the peer is the endpoint the request came from.
        /// </summary>
        /// <param name="transport">The transfer's socket, on a new port; closed by <see cref="Close"/>.</param>
        /// <param name="buffer">Where datagrams are received.</param>
        /// <param name="client">The endpoint the request came from.</param>
        /// <param name="strangerReplies">Limits ERROR 5 replies; null for no limit.</param>
        /// <returns>The port.</returns>
        public static TransferPort ToClient(IDatagramTransport transport, byte[] buffer, EndPoint client, ReplyBudget strangerReplies)
        {
            if (client == null)
            {
                throw new ArgumentNullException("client");
            }

            return new TransferPort(transport, buffer, client, null, strangerReplies, TftpOpcode.Data, 0);
        }
    }
}
