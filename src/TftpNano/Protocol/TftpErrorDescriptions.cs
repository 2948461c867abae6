namespace TftpNano.Protocol
{
    /// <summary>
    /// The meaning RFC 1350 and RFC 2347 give each error code, for messages people read.
    /// </summary>
    /// <remarks>nanoFramework's <c>Enum.ToString()</c> yields only the number, hence this table.</remarks>
    internal static class TftpErrorDescriptions
    {
        /// <summary>
        /// Describes an error code.
        /// </summary>
        /// <param name="code">The code.</param>
        /// <returns>Its meaning, or "unknown error code" beyond 8.</returns>
        public static string Describe(TftpErrorCode code)
        {
            switch (code)
            {
                case TftpErrorCode.NotDefined: return "not defined";
                case TftpErrorCode.FileNotFound: return "file not found";
                case TftpErrorCode.AccessViolation: return "access violation";
                case TftpErrorCode.DiskFull: return "disk full or allocation exceeded";
                case TftpErrorCode.IllegalOperation: return "illegal TFTP operation";
                case TftpErrorCode.UnknownTransferId: return "unknown transfer ID";
                case TftpErrorCode.FileAlreadyExists: return "file already exists";
                case TftpErrorCode.NoSuchUser: return "no such user";
                case TftpErrorCode.OptionNegotiationFailed: return "option negotiation failed";
                default: return "unknown error code";
            }
        }
    }
}
