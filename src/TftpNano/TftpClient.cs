using System;
using System.IO;
using System.Net;
using System.Threading;
using TftpNano.Transfer;

namespace TftpNano
{
    /// <summary>
    /// Downloads files from one TFTP server: a read request (RRQ, octet mode), then every block written
    /// to a stream as it arrives, in order.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Each download opens a UDP socket of its own and closes it when the transfer ends; the server
    /// answers from a port of its own (RFC 1350 section 4), so nothing is connected to port 69. A
    /// download allocates its receive buffer once and nothing per block: a 1468-byte block goes from the
    /// socket straight to <c>destination.Write</c>. The same class runs on nanoFramework and on desktop
    /// .NET.
    /// </para>
    /// <para>
    /// One client may serve downloads from several threads at once: it holds no state of a transfer.
    /// </para>
    /// </remarks>
    public sealed class TftpClient
    {
        /// <summary>
        /// The TFTP port, 69.
        /// </summary>
        public const int DefaultPort = 69;

        private readonly IPEndPoint _server;
        private readonly IDatagramTransportFactory _transports;

        // What this client's downloads measured, for the utimeout each asks a lock-step server for.
        private readonly ServerTimerEstimate _serverTimer = new ServerTimerEstimate();

        /// <summary>
        /// Creates a client of the server at <paramref name="server"/>, port 69.
        /// </summary>
        /// <param name="server">The server's address.</param>
        public TftpClient(IPAddress server)
            : this(server, DefaultPort)
        {
        }

        /// <summary>
        /// Creates a client of the server at <paramref name="server"/> and <paramref name="port"/>.
        /// </summary>
        /// <param name="server">The server's address.</param>
        /// <param name="port">The port the server takes requests on, 1 to 65535.</param>
        public TftpClient(IPAddress server, int port)
        {
            if (server == null)
            {
                throw new ArgumentNullException("server");
            }

            if (port < 1 || port > 65535)
            {
                throw new ArgumentOutOfRangeException("port");
            }

            _server = new IPEndPoint(server, port);
            _transports = new UdpSocketTransportFactory();
        }

        /// <summary>
        /// Gets the server's request endpoint.
        /// </summary>
        public IPEndPoint Server
        {
            get { return _server; }
        }

        /// <summary>
        /// Downloads a file with the default settings (1468-byte blocks, a window of 4, adaptive
        /// timeouts, 10 retries).
        /// </summary>
        /// <param name="fileName">The file's name on the server, such as <c>fw/stable/app.pe</c>.</param>
        /// <param name="destination">Receives the file's bytes in order; written, never read or sought.</param>
        /// <returns>The number of bytes written to <paramref name="destination"/>.</returns>
        /// <exception cref="TftpException">The server refused the file (<see cref="TftpException.ErrorCode"/>
        /// and <see cref="TftpException.ServerMessage"/> say why), stopped answering, broke the protocol,
        /// or the destination failed. The destination may then hold part of the file.</exception>
        public long Download(string fileName, Stream destination)
        {
            return Download(fileName, destination, null, null, CancellationToken.None);
        }

        /// <summary>
        /// Downloads a file with the given settings, reporting progress and stopping when asked.
        /// </summary>
        /// <param name="fileName">The file's name on the server.</param>
        /// <param name="destination">Receives the file's bytes in order; written, never read or sought.</param>
        /// <param name="settings">Block size, window size, timeouts and limits; null for the defaults.</param>
        /// <param name="progress">Called on the downloading thread after each block written, or null. Keep
        /// it short: the server waits for the next acknowledgement meanwhile.</param>
        /// <param name="cancellation">Stops the transfer when canceled: the server is told with an ERROR,
        /// and the call throws a <see cref="TftpException"/> with <see cref="TftpFailure.Canceled"/>.</param>
        /// <returns>The number of bytes written to <paramref name="destination"/>.</returns>
        /// <exception cref="TftpException">The transfer failed or was canceled; the destination may hold
        /// part of the file.</exception>
        public long Download(string fileName, Stream destination, TftpDownloadSettings settings, TftpProgressHandler progress,
            CancellationToken cancellation)
        {
            TftpDownload download = new TftpDownload(_transports, settings, _serverTimer);
            if (progress != null)
            {
                download.Progress += progress;
            }

            // Register calls Cancel at once for a token already canceled. For it, and for a token that
            // can never be canceled, it returns an empty registration, whose Dispose nanoCLR turns into
            // an exception, or a crash inside a finally block while an exception unwinds (a refused
            // file): only a real registration is disposed.
            CancellationTokenRegistration registration = cancellation.Register(download.Cancel);
            bool registered = !registration.Equals(new CancellationTokenRegistration());
            try
            {
                return download.Run(_server, fileName, destination);
            }
            finally
            {
                if (registered)
                {
                    registration.Dispose();
                }
            }
        }
    }
}
