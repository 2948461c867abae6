using System;

namespace TftpNano.Transfer
{
    /// <summary>
    /// An adaptive retransmission timeout computed from measured round trips, after RFC 6298.
    /// </summary>
    /// <remarks>
    /// A fixed multi-second timeout is what makes TFTP crawl on lossy links: one lost datagram on a
    /// LAN with 2 ms round trips costs thousands of round trips. Smoothed RTT and its variance give a
    /// timeout just above what the link really needs; the floor absorbs clock granularity and scheduler
    /// noise, the ceiling bounds the back-off, and a random spread keeps a fleet of devices that lost
    /// the same datagram from retransmitting in lock-step.
    /// </remarks>
    public sealed class RetransmissionTimer
    {
        // Smoothed RTT and variance are kept in eighths of a millisecond, so integer arithmetic keeps
        // the precision RFC 6298's gains of 1/8 and 1/4 need.
        private const int Scale = 8;

        private readonly int _minTimeoutMs;
        private readonly int _maxTimeoutMs;
        private readonly Random _random;
        private long _smoothedRtt;
        private long _rttVariance;
        private bool _hasSample;
        private int _estimatedTimeoutMs;
        private int _timeoutMs;

        // Round-trip sampling: when the latest datagram went out, whether its reply may be sampled (Karn's
        // rule), and whether a round trip of the data phase has been measured yet.
        private long _sentAt;
        private bool _awaitingSample;
        private bool _dataPhaseMeasured;

        /// <summary>
        /// Creates a timer.
        /// </summary>
        /// <param name="initialTimeoutMs">The timeout before any round trip was measured.</param>
        /// <param name="minTimeoutMs">The floor.</param>
        /// <param name="maxTimeoutMs">The ceiling, also for back-off.</param>
        /// <param name="seed">Seeds the spread; differs per device and transfer.</param>
        public RetransmissionTimer(int initialTimeoutMs, int minTimeoutMs, int maxTimeoutMs, int seed)
        {
            if (minTimeoutMs < 1 || maxTimeoutMs < minTimeoutMs)
            {
                throw new ArgumentOutOfRangeException("minTimeoutMs", "Need 1 <= minimum <= maximum.");
            }

            _minTimeoutMs = minTimeoutMs;
            _maxTimeoutMs = maxTimeoutMs;
            _random = new Random(seed);
            _estimatedTimeoutMs = Clamp(initialTimeoutMs);
            _timeoutMs = _estimatedTimeoutMs;
        }

        /// <summary>
        /// Gets the current timeout in milliseconds, without spread.
        /// </summary>
        public int TimeoutMs
        {
            get { return _timeoutMs; }
        }

        /// <summary>
        /// Gets the timeout the measured round trips call for (RFC 6298's RTO: smoothed round trip plus four
        /// times its variation, clamped), without back-off, in milliseconds.
        /// </summary>
        public int EstimatedTimeoutMs
        {
            get { return _estimatedTimeoutMs; }
        }

        /// <summary>
        /// Gets the smoothed round-trip time in milliseconds, or -1 before the first sample.
        /// </summary>
        public int SmoothedRttMs
        {
            get { return _hasSample ? (int)(_smoothedRtt / Scale) : -1; }
        }

        /// <summary>
        /// Feeds one measured round trip. Only unambiguous samples belong here (Karn's rule): never a
        /// round trip of a datagram that was retransmitted.
        /// </summary>
        /// <param name="rttMs">The measured round trip in milliseconds.</param>
        public void AddSample(long rttMs)
        {
            AddSample(rttMs, false);
        }

        /// <summary>
        /// Feeds one measured round trip and forgets the ones before, as if it were the first.
        /// </summary>
        /// <param name="rttMs">The measured round trip in milliseconds.</param>
        public void Restart(long rttMs)
        {
            AddSample(rttMs, true);
        }

        private void AddSample(long rttMs, bool first)
        {
            long sample = (rttMs < 0 ? 0 : rttMs) * Scale;
            if (first || !_hasSample)
            {
                _smoothedRtt = sample;
                _rttVariance = sample / 2;
                _hasSample = true;
            }
            else
            {
                long error = _smoothedRtt - sample;
                _rttVariance += ((error < 0 ? -error : error) - _rttVariance) / 4;
                _smoothedRtt += (sample - _smoothedRtt) / 8;
            }

            long timeout = (_smoothedRtt + (4 * _rttVariance)) / Scale;
            _estimatedTimeoutMs = Clamp(timeout > int.MaxValue ? int.MaxValue : (int)timeout);
            _timeoutMs = _estimatedTimeoutMs;
        }

        /// <summary>
        /// Doubles the timeout after a timeout expired, up to the ceiling.
        /// </summary>
        public void BackOff()
        {
            _timeoutMs = Clamp(_timeoutMs > _maxTimeoutMs / 2 ? _maxTimeoutMs : _timeoutMs * 2);
        }

        /// <summary>
        /// Returns from back-off to the timeout the round trips call for, once the peer answers again.
        /// </summary>
        /// <remarks>
        /// TCP keeps a backed-off timeout until it measures a fresh round trip; on a lossy link that can
        /// take long, and every later loss would then cost the full backed-off wait. Here progress after
        /// a retransmission already shows the path works, so the estimate applies again at once.
        /// </remarks>
        public void ResetBackOff()
        {
            _timeoutMs = _estimatedTimeoutMs;
        }

        /// <summary>
        /// Notes a datagram sent now, whose reply is then awaited.
        /// </summary>
        /// <param name="fresh">False for a retransmission, whose reply cannot be told from the original's
        /// and so makes no sample (Karn's rule).</param>
        /// <returns>When to give up waiting for the reply, on the clock of <see cref="Environment.TickCount64"/>.</returns>
        public long Sent(bool fresh)
        {
            long now = Environment.TickCount64;
            _awaitingSample = fresh;
            _sentAt = now;
            return now + NextWaitMs();
        }

        /// <summary>
        /// Samples the round trip of a reply, arriving now, to the latest datagram <see cref="Sent"/>; only
        /// the first reply to a datagram counts.
        /// </summary>
        /// <remarks>
        /// A reply to a retransmission makes no sample; until the first sample, though, the time since the
        /// latest transmission (a lower bound) is taken, or on a lossy link the timer would keep its
        /// cautious initial value for the whole transfer. A request's round trip includes the server's
        /// work to start a transfer, perhaps even its own retransmission of the first reply, so it only
        /// seeds the timer: the first round trip of the data phase replaces it.
        /// </remarks>
        /// <param name="provisional">True for the reply to a request.</param>
        public void Answered(bool provisional)
        {
            if (!_awaitingSample && _hasSample)
            {
                return;
            }

            long rtt = Environment.TickCount64 - _sentAt;
            if (!_hasSample || !_dataPhaseMeasured)
            {
                Restart(rtt);
            }
            else
            {
                AddSample(rtt);
            }

            _dataPhaseMeasured = !provisional;
            _awaitingSample = false;
        }

        /// <summary>
        /// Returns the timeout to wait now: the current one plus a random spread of up to a quarter.
        /// </summary>
        /// <returns>Milliseconds to wait.</returns>
        public int NextWaitMs()
        {
            return _timeoutMs + _random.Next((_timeoutMs / 4) + 1);
        }

        private int Clamp(int timeoutMs)
        {
            if (timeoutMs < _minTimeoutMs)
            {
                return _minTimeoutMs;
            }

            return timeoutMs > _maxTimeoutMs ? _maxTimeoutMs : timeoutMs;
        }
    }
}
