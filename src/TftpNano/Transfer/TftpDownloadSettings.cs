using System;
using TftpNano.Protocol;

namespace TftpNano.Transfer
{
    /// <summary>
    /// What a download asks the server for and how patiently it waits.
    /// </summary>
    /// <remarks>
    /// The defaults suit an ESP32: blocks of 1468 bytes fill one Ethernet frame without IP
    /// fragmentation (the firmware does not reassemble), and a window of 4 stays inside its
    /// 6-datagram receive mailbox while managed code writes to storage.
    /// </remarks>
    public sealed class TftpDownloadSettings
    {
        private int _blockSize = 1468;
        private int _windowSize = 4;
        private int _serverTimeoutSeconds = 1;
        private int _initialTimeoutMs = 1000;
#if NANOFRAMEWORK_1_0
        // The ESP32's clock ticks every 10 ms, so a wait of one tick can end at once: three ticks at least.
        private int _minTimeoutMs = 30;
#else
        private int _minTimeoutMs = 10;
#endif
        private int _maxTimeoutMs = 4000;
        private int _maxRetries = 10;
        private int _transferTimeLimitSeconds;
        private int _minBytesPerSecond = 64;
        private int _throughputWindowSeconds = 30;

        /// <summary>
        /// Gets or sets whether the request carries options; false sends a plain RFC 1350 request
        /// (512-byte blocks, one block per ACK). Default true.
        /// </summary>
        public bool UseOptions { get; set; } = true;

        /// <summary>Gets or sets the block size to ask for, 8 to 65464. Default 1468.</summary>
        public int BlockSize
        {
            get { return _blockSize; }
            set { _blockSize = Check(value, TftpOptions.MinBlockSize, TftpOptions.MaxBlockSize, "BlockSize"); }
        }

        /// <summary>Gets or sets the window size to ask for, 1 to 32768 blocks per ACK. Default 4.</summary>
        /// <remarks>
        /// At most half the 16-bit block number space: a block is then told apart as ahead of the next
        /// one expected (a gap) or behind it (a duplicate), which a larger window would make ambiguous.
        /// </remarks>
        public int WindowSize
        {
            get { return _windowSize; }
            set { _windowSize = Check(value, 1, MaxWindowSize, "WindowSize"); }
        }

        /// <summary>The largest window a download asks for.</summary>
        public const int MaxWindowSize = 32768;

        /// <summary>
        /// Gets or sets the timeout option, in seconds, the server is asked to use before it retransmits,
        /// 1 to 255. Default 1, the smallest RFC 2349 allows. The client's own timer is adaptive.
        /// </summary>
        public int ServerTimeoutSeconds
        {
            get { return _serverTimeoutSeconds; }
            set { _serverTimeoutSeconds = Check(value, 1, TftpOptions.MaxTimeoutSeconds, "ServerTimeoutSeconds"); }
        }

        /// <summary>
        /// Gets or sets whether to ask a lock-step server for a retransmission timeout in milliseconds
        /// (tftpd-hpa's utimeout option), derived from what the download's earlier transfers measured.
        /// Default true. A server that refuses the option is asked again at once without it.
        /// </summary>
        /// <remarks>
        /// tftpd-hpa resends a lost block only on its own timer, a second by default: on a link that loses
        /// one datagram in a hundred, that timer and not the link sets the pace. Servers that do not know
        /// the option ignore it (RFC 2347).
        /// </remarks>
        public bool ShortServerTimeout { get; set; } = true;

        /// <summary>Gets or sets whether to ask for the file size (tsize). Default true.</summary>
        public bool RequestTransferSize { get; set; } = true;

        /// <summary>
        /// Gets or sets the retransmission timeout used until the first round trip is measured,
        /// in milliseconds. Default 1000.
        /// </summary>
        public int InitialTimeoutMs
        {
            get { return _initialTimeoutMs; }
            set { _initialTimeoutMs = Check(value, 1, 600000, "InitialTimeoutMs"); }
        }

        /// <summary>
        /// Gets or sets the floor of the adaptive timeout, in milliseconds. Default 30 on nanoFramework
        /// (three ticks of the ESP32's 10 ms clock), 10 on desktop .NET.
        /// </summary>
        public int MinTimeoutMs
        {
            get { return _minTimeoutMs; }
            set { _minTimeoutMs = Check(value, 1, 600000, "MinTimeoutMs"); }
        }

        /// <summary>Gets or sets the ceiling of the adaptive timeout and its back-off, in milliseconds. Default 4000.</summary>
        public int MaxTimeoutMs
        {
            get { return _maxTimeoutMs; }
            set { _maxTimeoutMs = Check(value, 1, 600000, "MaxTimeoutMs"); }
        }

        /// <summary>
        /// Gets or sets how many timeouts in a row are retransmitted, and how many restarts a gap may ask
        /// for without a byte written in between, before the download fails. Default 10.
        /// </summary>
        /// <remarks>
        /// With the back-off up to the 4 s ceiling that is about 15 seconds of silence in mid-transfer and
        /// about 40 seconds for an unanswered request: longer than a server that retransmits only on its
        /// own timer (tftpd-hpa, dnsmasq: 1 second, doubling) needs to resend a block lost twice.
        /// </remarks>
        public int MaxRetries
        {
            get { return _maxRetries; }
            set { _maxRetries = Check(value, 0, 1000, "MaxRetries"); }
        }

        /// <summary>
        /// Gets or sets the longest a download may take, in seconds, from its request to its final
        /// block; 0, the default, sets no limit. The boot app sets one, so that no server can hold a boot.
        /// </summary>
        public int TransferTimeLimitSeconds
        {
            get { return _transferTimeLimitSeconds; }
            set { _transferTimeLimitSeconds = Check(value, 0, 86400, "TransferTimeLimitSeconds"); }
        }

        /// <summary>
        /// Gets or sets the least data, in bytes per second, that must be written over every
        /// span of <see cref="ThroughputWindowSeconds"/> for a download to go on; 0 turns the guard off. Default 64.
        /// </summary>
        /// <remarks>
        /// A server that sends a block every few seconds, or only repeats blocks from later in the window,
        /// never lets the retransmission timer expire; this guard ends such a transfer. 64 bytes a second
        /// is far below any working link (one 512-byte block every 8 seconds), so only a transfer that is
        /// no longer a transfer fails it.
        /// </remarks>
        public int MinBytesPerSecond
        {
            get { return _minBytesPerSecond; }
            set { _minBytesPerSecond = Check(value, 0, 100000000, "MinBytesPerSecond"); }
        }

        /// <summary>
        /// Gets or sets the span, in seconds, over which <see cref="MinBytesPerSecond"/> is measured, 1 to
        /// 3600. Default 30: long enough for a server's back-off after a burst of losses.
        /// </summary>
        public int ThroughputWindowSeconds
        {
            get { return _throughputWindowSeconds; }
            set { _throughputWindowSeconds = Check(value, 1, 3600, "ThroughputWindowSeconds"); }
        }

        /// <summary>
        /// Gets or sets the seed of the random spread added to every timeout; 0, the default, draws one.
        /// Devices that boot together must not share it, or they retransmit in step: the boot app passes
        /// a seed derived from something unique to the device.
        /// </summary>
        public int RandomSeed { get; set; }

        private static int Check(int value, int min, int max, string name)
        {
            if (value < min || value > max)
            {
                throw new ArgumentOutOfRangeException(name, name + " must be from " + min.ToString() + " to " + max.ToString() + ".");
            }

            return value;
        }
    }
}
