namespace TftpNano.Transfer
{
    /// <summary>
    /// Counters of one transfer, for tests, benchmarks and diagnostics.
    /// </summary>
    public sealed class TftpTransferStatistics
    {
        /// <summary>Gets the datagrams sent: requests, ACKs and ERRORs.</summary>
        public long PacketsSent { get; internal set; }

        /// <summary>Gets the datagrams received, from any sender.</summary>
        public long PacketsReceived { get; internal set; }

        /// <summary>Gets the DATA blocks written to the destination.</summary>
        public long BlocksWritten { get; internal set; }

        /// <summary>Gets the DATA blocks received again after they were written.</summary>
        public long DuplicateBlocks { get; internal set; }

        /// <summary>Gets the DATA blocks that arrived ahead of a missing one and were dropped.</summary>
        public long OutOfOrderBlocks { get; internal set; }

        /// <summary>Gets the ACKs sent at once because a block inside the window was missing.</summary>
        public long GapAcknowledgements { get; internal set; }

        /// <summary>Gets the timeouts that expired, each followed by a retransmission or the failure.</summary>
        public long Timeouts { get; internal set; }

        /// <summary>Gets the datagrams from endpoints other than the server's transfer ID.</summary>
        public long StrayPackets { get; internal set; }

        /// <summary>Gets whether the server refused the options and the request was repeated without them.</summary>
        public bool FellBackToPlainRequest { get; internal set; }

        /// <summary>Gets the final ACKs sent again while lingering after the last block.</summary>
        public long FinalAcknowledgementsResent { get; internal set; }

        /// <summary>
        /// Gets the retransmission timeout the server granted with utimeout, in milliseconds, or 0 when it
        /// keeps its own.
        /// </summary>
        public int ServerTimeoutMs { get; internal set; }

        /// <summary>Gets the longest one write to the destination took, in milliseconds.</summary>
        public int SlowestWriteMs { get; internal set; }

        /// <summary>Gets the smoothed round-trip time at the end, in milliseconds, or -1 when none was measured.</summary>
        public int SmoothedRttMs { get; internal set; }
    }
}
