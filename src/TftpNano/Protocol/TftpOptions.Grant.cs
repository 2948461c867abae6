namespace TftpNano.Protocol
{
    // What a server grants: compiled for the desktop, and left out of the device's build (the nanoFramework
    // project does not list this file).
    public sealed partial class TftpOptions
    {
        /// <summary>
        /// The options a server grants: each one asked for, at most what was asked and what the server
        /// allows. A timeout is granted as asked or not at all (RFC 2349: the OACK's value matches the
        /// request's); tsize is the file's size.
        /// </summary>
        /// <param name="requested">The request's options.</param>
        /// <param name="maxBlockSize">The largest block the server sends.</param>
        /// <param name="maxWindowSize">The largest window the server sends.</param>
        /// <param name="maxTimeoutSeconds">The longest timeout the server accepts.</param>
        /// <param name="transferSize">The file's size.</param>
        /// <returns>What to acknowledge; empty when nothing is granted.</returns>
        public static TftpOptions Grant(TftpOptions requested, int maxBlockSize, int maxWindowSize, int maxTimeoutSeconds, long transferSize)
        {
            TftpOptions granted = new TftpOptions();
            if (requested.BlockSize > 0)
            {
                granted.BlockSize = requested.BlockSize < maxBlockSize ? requested.BlockSize : maxBlockSize;
            }

            if (requested.WindowSize > 0)
            {
                granted.WindowSize = requested.WindowSize < maxWindowSize ? requested.WindowSize : maxWindowSize;
            }

            if (requested.TimeoutSeconds > 0 && requested.TimeoutSeconds <= maxTimeoutSeconds)
            {
                granted.TimeoutSeconds = requested.TimeoutSeconds;
            }

            if (requested.TransferSize >= 0)
            {
                granted.TransferSize = transferSize;
            }

            return granted;
        }
    }
}
