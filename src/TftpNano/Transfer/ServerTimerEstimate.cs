namespace TftpNano.Transfer
{
    /// <summary>
    /// The retransmission timeout a download asks a lock-step server for (tftpd-hpa's utimeout), from
    /// what its earlier transfers measured.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A lock-step server resends a block only when its own timer expires and ignores repeated ACKs
    /// (RFC 1123 4.2.3.1; the Sorcerer's Apprentice), so each lost DATA or ACK costs the server's whole
    /// timeout: a second by default, where the round trip is a few milliseconds. tftpd-hpa takes a
    /// timeout in microseconds; atftpd and dnsmasq ignore the option (dnsmasq 2.90 resends after two
    /// seconds of its whole-second clock, whatever is asked: src/tftp.c).
    /// </para>
    /// <para>
    /// The server waits for an ACK as long as a round trip plus the receiver's work on the block (write
    /// and hash), so the timeout asked is twice the round-trip timeout the previous transfer measured
    /// (RFC 6298's RTO) plus twice the slowest write seen so far, and 80 ms at least. A timeout shorter
    /// than the receiver's work would make the server resend blocks that were not lost; tftpd-hpa
    /// doubles its timeout on each resend of a block, so even then one block costs at most a few
    /// duplicates, never a storm. It also gives up after six sends, 63 timeouts of silence (tftpd.c:
    /// TRIES, TIMEOUT_LIMIT): the floor keeps that above 5 s, for a link or a device that stalls (a Wi-Fi
    /// roam, a card's slow write, a server with hundreds of transfers), where its default second allows
    /// a minute.
    /// </para>
    /// </remarks>
    internal sealed class ServerTimerEstimate
    {
        // 63 of them, tftpd-hpa's patience, make 5 s.
        private const int FloorMs = 80;

        // The RFC 2349 default and smallest timeout: asking for more gains nothing.
        private const int CeilingMs = 1000;

        private int _roundTripTimeoutMs;
        private int _slowestWriteMs;
        private bool _refused;

        /// <summary>
        /// Gets the timeout to ask for, in microseconds, or 0 to ask for none.
        /// </summary>
        /// <param name="settings">The download's settings: whether to ask at all.</param>
        public int RequestMicroseconds(TftpDownloadSettings settings)
        {
            if (!settings.ShortServerTimeout || _refused)
            {
                return 0;
            }

            // Before anything is measured both terms are 0, and the floor is asked for.
            int ms = 2 * (_roundTripTimeoutMs + _slowestWriteMs);
            if (ms < FloorMs)
            {
                ms = FloorMs;
            }

            return ms >= CeilingMs ? 0 : ms * 1000;
        }

        /// <summary>
        /// Takes what a transfer measured: its round-trip timeout, when it measured one, and its slowest write.
        /// </summary>
        public void Learn(RetransmissionTimer timer, int slowestWriteMs)
        {
            if (timer.SmoothedRttMs >= 0)
            {
                _roundTripTimeoutMs = timer.EstimatedTimeoutMs;
            }

            if (slowestWriteMs > _slowestWriteMs)
            {
                _slowestWriteMs = slowestWriteMs;
            }
        }

        /// <summary>
        /// Notes that the server refused a request because of the option: later requests go without it.
        /// </summary>
        public void Refused()
        {
            _refused = true;
        }
    }
}
