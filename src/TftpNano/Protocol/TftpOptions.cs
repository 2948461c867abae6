namespace TftpNano.Protocol
{
    /// <summary>
    /// The options one request asks for, or one OACK grants (RFC 2347, 2348, 2349, 7440).
    /// </summary>
    /// <remarks>
    /// Absent options read as zero (or -1 for <see cref="TransferSize"/>), so one object describes both
    /// a request and its answer without nullable values, which nanoFramework lacks.
    /// </remarks>
    public sealed partial class TftpOptions
    {
        /// <summary>The blksize option name.</summary>
        public const string BlockSizeName = "blksize";

        /// <summary>The windowsize option name.</summary>
        public const string WindowSizeName = "windowsize";

        /// <summary>The timeout option name.</summary>
        public const string TimeoutName = "timeout";

        /// <summary>
        /// The utimeout option name: tftpd-hpa's retransmission timeout in microseconds (in.tftpd(8)), not
        /// an RFC's. Other servers ignore it, as RFC 2347 has them ignore any option they do not know.
        /// </summary>
        public const string TimeoutMicrosecondsName = "utimeout";

        /// <summary>The tsize option name.</summary>
        public const string TransferSizeName = "tsize";

        /// <summary>The smallest block size RFC 2348 allows.</summary>
        public const int MinBlockSize = 8;

        /// <summary>The largest block size RFC 2348 allows.</summary>
        public const int MaxBlockSize = 65464;

        /// <summary>The largest window RFC 7440 allows.</summary>
        public const int MaxWindowSize = 65535;

        /// <summary>The largest timeout, in seconds, RFC 2349 allows.</summary>
        public const int MaxTimeoutSeconds = 255;

        /// <summary>
        /// The shortest utimeout tftpd-hpa accepts, in microseconds; it refuses a shorter one with ERROR 8
        /// and the whole request with it.
        /// </summary>
        public const int MinTimeoutMicroseconds = 10000;

        /// <summary>The longest utimeout tftpd-hpa accepts, in microseconds: 255 seconds, as RFC 2349's timeout.</summary>
        public const int MaxTimeoutMicroseconds = 255000000;

        /// <summary>
        /// Creates an empty option set: no option present.
        /// </summary>
        public TftpOptions()
        {
            TransferSize = -1;
        }

        /// <summary>Gets or sets the block size in bytes; 0 when absent.</summary>
        public int BlockSize { get; set; }

        /// <summary>Gets or sets the window size in blocks; 0 when absent.</summary>
        public int WindowSize { get; set; }

        /// <summary>Gets or sets the retransmission timeout in seconds; 0 when absent.</summary>
        public int TimeoutSeconds { get; set; }

        /// <summary>
        /// Gets or sets the retransmission timeout in microseconds (utimeout); 0 when absent.
        /// </summary>
        public int TimeoutMicroseconds { get; set; }

        /// <summary>
        /// Gets or sets the transfer size in bytes; -1 when absent. A read request sends 0 to ask the
        /// server for the size.
        /// </summary>
        public long TransferSize { get; set; }

        /// <summary>
        /// Gets or sets the name of the first option that is not one of the five above, or null.
        /// A server ignores such options; a client must refuse an OACK that carries one.
        /// </summary>
        public string UnrecognizedOption { get; set; }

        /// <summary>
        /// Gets whether none of the five known options is present.
        /// </summary>
        public bool IsEmpty
        {
            get { return BlockSize == 0 && WindowSize == 0 && TimeoutSeconds == 0 && TimeoutMicroseconds == 0 && TransferSize < 0; }
        }

        /// <summary>
        /// Finds what in an OACK the request did not ask for: the same rule as a server's grant, from the
        /// client's side.
        /// </summary>
        /// <param name="granted">The OACK's options.</param>
        /// <param name="requested">The request's options.</param>
        /// <returns>A sentence saying what exceeds the request, or null when the OACK can be honoured.</returns>
        public static string FindExcess(TftpOptions granted, TftpOptions requested)
        {
            if (granted.UnrecognizedOption != null)
            {
                return "The server granted the option '" + granted.UnrecognizedOption + "', which was not requested.";
            }

            if (granted.BlockSize > requested.BlockSize)
            {
                return "The server granted blksize " + granted.BlockSize.ToString() + ", more than the "
                    + requested.BlockSize.ToString() + " requested.";
            }

            if (granted.WindowSize > requested.WindowSize)
            {
                return "The server granted windowsize " + granted.WindowSize.ToString() + ", more than the "
                    + requested.WindowSize.ToString() + " requested.";
            }

            if (granted.TimeoutSeconds > 0 && granted.TimeoutSeconds != requested.TimeoutSeconds)
            {
                return "The server granted timeout " + granted.TimeoutSeconds.ToString() + ", not the "
                    + requested.TimeoutSeconds.ToString() + " requested.";
            }

            if (granted.TimeoutMicroseconds > 0 && granted.TimeoutMicroseconds != requested.TimeoutMicroseconds)
            {
                return "The server granted utimeout " + granted.TimeoutMicroseconds.ToString() + ", not the "
                    + requested.TimeoutMicroseconds.ToString() + " requested.";
            }

            if (granted.TransferSize >= 0 && requested.TransferSize < 0)
            {
                return "The server granted tsize, which was not requested.";
            }

            return null;
        }
    }
}
