using TftpNano.Protocol;

namespace TftpNano.Transfer
{
    /// <summary>
    /// Where a download's receiver stands in the server's window: the blocks written in order, the last
    /// one acknowledged, and the flight the server was asked to restart.
    /// </summary>
    /// <remarks>
    /// Counts are absolute (block 65,536 is not block 0 again); <see cref="BlockNumber"/> maps them to
    /// the wire. One window belongs to one transfer.
    /// </remarks>
    internal sealed class ReceiveWindow
    {
        private readonly int _size;
        private int _blocksSinceAck;
        private long _blocksWritten;
        private long _lastAcknowledged;

        // Blocks up to here belong to a flight the server was asked to restart: when they arrive out of
        // order they are leftovers, not new losses, and must not trigger another restart. The restarted
        // flight reuses those numbers, so the horizon lapses once the old flight has drained.
        private long _staleHorizon;
        private long _staleHorizonExpiry;

        /// <summary>
        /// Opens the window the server granted.
        /// </summary>
        /// <param name="size">Blocks per window: 1 for lock-step.</param>
        public ReceiveWindow(int size)
        {
            _size = size;
        }

        /// <summary>Gets the blocks per window.</summary>
        public int Size
        {
            get { return _size; }
        }

        /// <summary>Gets the blocks written in order.</summary>
        public long BlocksWritten
        {
            get { return _blocksWritten; }
        }

        /// <summary>
        /// Counts a block written in order.
        /// </summary>
        /// <returns>True when the window is complete and its ACK is due.</returns>
        public bool Written()
        {
            _blocksWritten++;
            return ++_blocksSinceAck >= _size;
        }

        /// <summary>
        /// Counts an ACK of every block written so far, which is the only kind the receiver sends.
        /// </summary>
        public void Acknowledged()
        {
            _blocksSinceAck = 0;
            _lastAcknowledged = _blocksWritten;
        }

        /// <summary>
        /// Marks what the server had in flight after the last ACK as stale, for about half a timeout:
        /// the ACK about to be sent makes it go back.
        /// </summary>
        /// <param name="highestSeen">The highest block seen out of order, or 0.</param>
        /// <param name="expiry">When the horizon lapses, in milliseconds of the tick count.</param>
        public void Restart(long highestSeen, long expiry)
        {
            long flightEnd = _lastAcknowledged + _size;
            _staleHorizon = highestSeen > flightEnd ? highestSeen : flightEnd;
            _staleHorizonExpiry = expiry;
        }

        /// <summary>
        /// Tells whether a block out of order is a leftover of a flight already restarted.
        /// </summary>
        /// <param name="block">The block's absolute count.</param>
        /// <param name="now">The tick count, in milliseconds.</param>
        /// <returns>True for a leftover, which asks for nothing.</returns>
        public bool IsStale(long block, long now)
        {
            return block <= _staleHorizon && now < _staleHorizonExpiry;
        }
    }
}
