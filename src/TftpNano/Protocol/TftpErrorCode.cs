namespace TftpNano.Protocol
{
    /// <summary>
    /// The error codes an ERROR packet carries (RFC 1350, RFC 2347).
    /// </summary>
    public enum TftpErrorCode
    {
        /// <summary>Not defined; the message says what happened.</summary>
        NotDefined = 0,

        /// <summary>File not found.</summary>
        FileNotFound = 1,

        /// <summary>Access violation.</summary>
        AccessViolation = 2,

        /// <summary>Disk full or allocation exceeded.</summary>
        DiskFull = 3,

        /// <summary>Illegal TFTP operation.</summary>
        IllegalOperation = 4,

        /// <summary>Unknown transfer ID.</summary>
        UnknownTransferId = 5,

        /// <summary>File already exists.</summary>
        FileAlreadyExists = 6,

        /// <summary>No such user.</summary>
        NoSuchUser = 7,

        /// <summary>Option negotiation failed (RFC 2347).</summary>
        OptionNegotiationFailed = 8,
    }
}
