namespace TftpNano.Protocol
{
    /// <summary>
    /// A decoded read or write request.
    /// </summary>
    public sealed class TftpRequest
    {
        /// <summary>
        /// Creates a decoded request.
        /// </summary>
        /// <param name="opcode">Read or write.</param>
        /// <param name="fileName">The requested file name.</param>
        /// <param name="mode">The transfer mode, lower-cased ("octet", "netascii", "mail").</param>
        /// <param name="options">The options the request carried; empty when none.</param>
        public TftpRequest(TftpOpcode opcode, string fileName, string mode, TftpOptions options)
        {
            Opcode = opcode;
            FileName = fileName;
            Mode = mode;
            Options = options;
        }

        /// <summary>Gets whether this is a read or a write request.</summary>
        public TftpOpcode Opcode { get; }

        /// <summary>Gets the requested file name.</summary>
        public string FileName { get; }

        /// <summary>Gets the transfer mode, lower-cased.</summary>
        public string Mode { get; }

        /// <summary>Gets the options the request carried.</summary>
        public TftpOptions Options { get; }
    }
}
