using System;

namespace TftpNano.Transfer
{
    /// <summary>
    /// How many unsolicited replies (ERROR packets to strangers and to refused requests) may be sent per
    /// second, so that a flood of bad datagrams is not answered in kind.
    /// </summary>
    /// <remarks>Safe to share between threads: a server gives one budget to all its transfers.</remarks>
    public sealed class ReplyBudget
    {
        private readonly object _lock = new object();
        private readonly int _perSecond;
        private long _windowStart;
        private int _spent;

        /// <summary>
        /// Creates a budget.
        /// </summary>
        /// <param name="perSecond">Replies allowed in each second; 0 allows none.</param>
        public ReplyBudget(int perSecond)
        {
            if (perSecond < 0)
            {
                throw new ArgumentOutOfRangeException("perSecond");
            }

            _perSecond = perSecond;
            _windowStart = Environment.TickCount64;
        }

        /// <summary>
        /// Takes one reply from the budget.
        /// </summary>
        /// <returns>Whether the reply may be sent now.</returns>
        public bool TryTake()
        {
            lock (_lock)
            {
                long now = Environment.TickCount64;
                if (now - _windowStart >= 1000)
                {
                    _windowStart = now;
                    _spent = 0;
                }

                if (_spent >= _perSecond)
                {
                    return false;
                }

                _spent++;
                return true;
            }
        }
    }
}
