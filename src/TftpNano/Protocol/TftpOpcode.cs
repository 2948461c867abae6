namespace TftpNano.Protocol
{
    /// <summary>
    /// The operation code that starts every TFTP packet (RFC 1350, RFC 2347).
    /// </summary>
    public enum TftpOpcode
    {
        /// <summary>Read request.</summary>
        ReadRequest = 1,

        /// <summary>Write request.</summary>
        WriteRequest = 2,

        /// <summary>A block of file data.</summary>
        Data = 3,

        /// <summary>Acknowledgement of a block.</summary>
        Acknowledgement = 4,

        /// <summary>Error; ends the transfer.</summary>
        Error = 5,

        /// <summary>Option acknowledgement (RFC 2347).</summary>
        OptionAcknowledgement = 6,
    }
}
