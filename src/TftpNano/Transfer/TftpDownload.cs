using System;
using System.IO;
using System.Net;
using System.Threading;
using TftpNano.Protocol;

namespace TftpNano.Transfer
{
    /// <summary>
    /// Downloads one file over TFTP (RRQ, octet mode) into a stream, block by block.
    /// </summary>
    /// <remarks>
    /// <para>
    /// One object serves one transfer at a time, on a socket it opens for that transfer and closes at its
    /// end (a new transfer ID, RFC 1350 section 4). Each <see cref="Run"/> builds the transfer's state
    /// afresh (<c>DownloadRun</c>): options, window and timer never carry over from one run to the next.
    /// Only what the runs measured of the link carries over, to ask a lock-step server for a timeout
    /// that fits it (<see cref="TftpDownloadSettings.ShortServerTimeout"/>): several files from one server
    /// are best fetched with one download, or with one <see cref="TftpClient"/>.
    /// A transfer allocates one receive buffer and one small send buffer and nothing per block: each
    /// in-order DATA block is written to the destination straight from the receive buffer.
    /// </para>
    /// <para>
    /// The receiver drives recovery. Its adaptive timer (<see cref="RetransmissionTimer"/>) is far
    /// shorter than any server's, so after a loss it re-sends the ACK of the last in-order block, which
    /// makes RFC 7440 senders resume from there at once (a lock-step server resends on its own timer,
    /// as RFC 1123 4.2.3.1 has it). It never answers a duplicate with a retransmission of its own, so
    /// duplicates cannot multiply. A gap inside a window is ACKed at once, once per gap; give-up
    /// depends on progress (bytes written), not only on silence.
    /// </para>
    /// </remarks>
    public sealed class TftpDownload
    {
        // ERROR 5 replies to strangers per second: enough to tell a misdirected peer, too few to be a
        // flood's amplifier.
        private const int StrangerRepliesPerSecond = 10;

        private readonly IDatagramTransportFactory _transports;
        private readonly TftpDownloadSettings _settings;
        private readonly ReplyBudget _strangerReplies;

        // What this download's transfers (and those of the downloads sharing it) measured of the link and
        // the destination, for the utimeout of the next: the one thing that carries over, on purpose.
        private readonly ServerTimerEstimate _serverTimer;

        // The transfer in progress, or the last one, whose outcome the properties report.
        private DownloadRun _run;

        // 1 once Cancel was called: an int through Interlocked, since nanoFramework's mscorlib has no
        // IsVolatile. Sticky, and seen by every transfer the download starts.
        private int _cancelRequested;

        /// <summary>
        /// Creates a download that opens its sockets from the given factory.
        /// </summary>
        /// <param name="transports">Opens a socket on a new port for each transfer and each kind of request.</param>
        /// <param name="settings">What to ask for and how long to wait; null for the defaults.</param>
        public TftpDownload(IDatagramTransportFactory transports, TftpDownloadSettings settings)
            : this(transports, settings, new ServerTimerEstimate())
        {
        }

        /// <summary>
        /// Creates a download that shares what it measures with other downloads from the same server: the
        /// updater and <see cref="TftpClient"/> make one download per file, each short-lived, so that a
        /// device does not keep one transfer's objects through the next.
        /// </summary>
        internal TftpDownload(IDatagramTransportFactory transports, TftpDownloadSettings settings, ServerTimerEstimate serverTimer)
        {
            if (transports == null)
            {
                throw new ArgumentNullException("transports");
            }

            _transports = transports;
            _settings = settings == null ? new TftpDownloadSettings() : settings;
            _strangerReplies = new ReplyBudget(StrangerRepliesPerSecond);
            _serverTimer = serverTimer;
        }

        /// <summary>
        /// Occurs after each block written to the destination; a transfer tells the handlers subscribed
        /// when it started.
        /// </summary>
        public event TftpProgressHandler Progress;

        /// <summary>
        /// Gets where the download stands.
        /// </summary>
        public TransferPhase Phase
        {
            get { return _run == null ? TransferPhase.Idle : _run.Phase; }
        }

        /// <summary>
        /// Gets the block size in effect: negotiated, or 512 when the server took no options; 0 before
        /// the server answered.
        /// </summary>
        public int BlockSize
        {
            get { return _run == null ? 0 : _run.BlockSize; }
        }

        /// <summary>
        /// Gets the window size in effect: negotiated, or 1 when the server took no options; 0 before the
        /// server answered.
        /// </summary>
        public int WindowSize
        {
            get { return _run == null ? 0 : _run.WindowSize; }
        }

        /// <summary>
        /// Gets the size the server announced, or -1 when it announced none.
        /// </summary>
        public long TransferSize
        {
            get { return _run == null ? -1 : _run.TransferSize; }
        }

        /// <summary>
        /// Gets the counters of the current or last transfer.
        /// </summary>
        public TftpTransferStatistics Statistics
        {
            get { return _run == null ? new TftpTransferStatistics() : _run.Statistics; }
        }

        /// <summary>
        /// Gets the estimate of the server's retransmission timeout that the runs share.
        /// </summary>
        internal ServerTimerEstimate ServerTimer
        {
            get { return _serverTimer; }
        }

        /// <summary>
        /// Gets whether <see cref="Cancel"/> was called.
        /// </summary>
        internal bool IsCancelRequested
        {
            get { return Interlocked.CompareExchange(ref _cancelRequested, 0, 0) == 1; }
        }

        /// <summary>
        /// Asks the transfer to stop; <see cref="Run"/> then sends an ERROR to the server and throws a
        /// <see cref="TftpException"/> with <see cref="TftpFailure.Canceled"/>. Safe from any thread, at any
        /// time: a download canceled before it runs fails as soon as it starts, and stays canceled.
        /// </summary>
        public void Cancel()
        {
            // The flag first, then the transfer's port; a transfer sets its port first, then reads the
            // flag. Both through full fences, so whichever runs second sees the other.
            Interlocked.Exchange(ref _cancelRequested, 1);
            DownloadRun run = _run;
            if (run != null)
            {
                run.Cancel();
            }
        }

        /// <summary>
        /// Downloads a file.
        /// </summary>
        /// <param name="server">The server's request endpoint, usually port 69.</param>
        /// <param name="fileName">The remote file name (ASCII).</param>
        /// <param name="destination">Receives the file's bytes in order; it is written, never read or sought.</param>
        /// <returns>The number of bytes written.</returns>
        /// <exception cref="TftpException">The transfer failed; the destination may hold a partial file.</exception>
        public long Run(EndPoint server, string fileName, Stream destination)
        {
            if (IsCancelRequested)
            {
                throw new TftpException(TftpFailure.Canceled, "The transfer was canceled before it started.");
            }

            IPEndPoint serverEndPoint = server as IPEndPoint;
            if (serverEndPoint == null)
            {
                throw new ArgumentException("The server must be an IPEndPoint.", "server");
            }

            if (fileName == null || fileName.Length == 0)
            {
                throw new ArgumentException("The file name is empty.", "fileName");
            }

            if (destination == null)
            {
                throw new ArgumentNullException("destination");
            }

            // The last run's buffers go before the next run's are allocated: a device has no room for both.
            _run = null;
            DownloadRun run = new DownloadRun(this, Progress, _transports, _settings, _strangerReplies, serverEndPoint, fileName, destination);
            _run = run;
            return run.Execute();
        }
    }
}
