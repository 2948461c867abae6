namespace TftpNano.Protocol
{
    /// <summary>
    /// TFTP's 16-bit block numbers against the absolute block counts both ends keep.
    /// </summary>
    /// <remarks>
    /// Block numbers wrap from 65535 to 0 (files of more than 65535 blocks), so a number on the wire says
    /// where a block stands only relative to a block the receiver or sender already knows: the distance
    /// modulo 2^16. Every window is at most 32768 blocks, so a distance below the window is ahead and
    /// anything else is behind; the download and the server both classify through here.
    /// </remarks>
    public static class BlockNumber
    {
        /// <summary>
        /// Gets the number an absolute block count has on the wire.
        /// </summary>
        /// <param name="block">The block, counted from 1 without wrapping.</param>
        /// <returns>Its 16-bit block number.</returns>
        public static int OnTheWire(long block)
        {
            return (int)(block & 0xFFFF);
        }

        /// <summary>
        /// Gets how far a block number on the wire stands ahead of an absolute block, modulo 2^16.
        /// </summary>
        /// <param name="number">The 16-bit number received.</param>
        /// <param name="reference">The absolute block it is compared with.</param>
        /// <returns>0 when it is that block, 1 to 65535 otherwise.</returns>
        public static int Ahead(int number, long reference)
        {
            return (number - OnTheWire(reference)) & 0xFFFF;
        }
    }
}
