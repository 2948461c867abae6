namespace TftpNano
{
    /// <summary>
    /// Why a TFTP operation failed; carried by <see cref="TftpException"/>.
    /// </summary>
    public enum TftpFailure
    {
        /// <summary>A packet did not follow the protocol: too short, unknown opcode, missing terminator, bad option.</summary>
        MalformedPacket = 1,

        /// <summary>The peer sent an ERROR packet; <see cref="TftpException.ErrorCode"/> holds its code.</summary>
        RemoteError = 2,

        /// <summary>The server offered option values this client cannot honour.</summary>
        OptionsRefused = 3,

        /// <summary>The peer stopped answering within the retry budget.</summary>
        TimedOut = 4,

        /// <summary>The destination stream failed while being written.</summary>
        StorageFailed = 5,

        /// <summary>The transfer was canceled by the caller.</summary>
        Canceled = 6,

        /// <summary>The transfer ended with a size other than the one the server announced.</summary>
        SizeMismatch = 7,

        /// <summary>
        /// The network failed under the transfer: a socket could not be opened, or a send or receive
        /// failed (on a device, Wi-Fi dropping after it came up).
        /// </summary>
        NetworkFailed = 8,
    }
}
