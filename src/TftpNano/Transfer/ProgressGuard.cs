namespace TftpNano.Transfer
{
    /// <summary>
    /// Gives up on a transfer by its progress, not by silence: a server that keeps sending blocks from
    /// later in the window never lets the timer expire, so the transfer's whole time and its throughput
    /// over each span of the guard are bounded.
    /// </summary>
    internal sealed class ProgressGuard
    {
        private readonly int _timeLimitSeconds;
        private readonly int _minBytesPerSecond;
        private readonly int _spanSeconds;
        private readonly long _startedAt;
        private long _spanStartedAt;
        private long _spanStartBytes;

        /// <summary>
        /// Starts guarding a transfer.
        /// </summary>
        /// <param name="settings">The transfer's limits.</param>
        /// <param name="now">The tick count, in milliseconds.</param>
        public ProgressGuard(TftpDownloadSettings settings, long now)
        {
            _timeLimitSeconds = settings.TransferTimeLimitSeconds;
            _minBytesPerSecond = settings.MinBytesPerSecond;
            _spanSeconds = settings.ThroughputWindowSeconds;
            _startedAt = now;
            _spanStartedAt = now;
        }

        /// <summary>
        /// Checks the transfer against its limits.
        /// </summary>
        /// <param name="now">The tick count, in milliseconds.</param>
        /// <param name="bytesWritten">The bytes written so far.</param>
        /// <returns>Null to go on; else how the transfer overran, to finish a sentence that names it.</returns>
        public string Check(long now, long bytesWritten)
        {
            if (_timeLimitSeconds > 0 && now - _startedAt > _timeLimitSeconds * 1000L)
            {
                return "took longer than " + _timeLimitSeconds.ToString() + " s (" + bytesWritten.ToString() + " bytes written).";
            }

            long span = now - _spanStartedAt;
            if (_minBytesPerSecond == 0 || span < _spanSeconds * 1000L)
            {
                return null;
            }

            long written = bytesWritten - _spanStartBytes;
            if (written * 1000 < _minBytesPerSecond * span)
            {
                return "is too slow: " + written.ToString() + " bytes in the last " + (span / 1000).ToString()
                    + " s, less than " + _minBytesPerSecond.ToString() + " bytes a second.";
            }

            _spanStartedAt = now;
            _spanStartBytes = bytesWritten;
            return null;
        }
    }
}
