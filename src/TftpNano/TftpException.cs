using System;
using TftpNano.Protocol;

namespace TftpNano
{
    /// <summary>
    /// The one exception type TftpNano throws for protocol, network and storage failures.
    /// </summary>
    /// <remarks>
    /// A single type with a <see cref="Failure"/> kind keeps callers to one catch clause; on the device
    /// <c>Enum.ToString()</c> yields a number, so the message always spells the reason out.
    /// </remarks>
    public class TftpException : Exception
    {
        /// <summary>
        /// Creates an exception of the given kind.
        /// </summary>
        /// <param name="failure">Why the operation failed.</param>
        /// <param name="message">A complete sentence for the user.</param>
        public TftpException(TftpFailure failure, string message)
            : this(failure, TftpErrorCode.NotDefined, message, null)
        {
        }

        /// <summary>
        /// Creates an exception of the given kind with a TFTP error code and an inner exception.
        /// </summary>
        /// <param name="failure">Why the operation failed.</param>
        /// <param name="errorCode">The TFTP error code involved (sent by the peer, or sent to it).</param>
        /// <param name="message">A complete sentence for the user.</param>
        /// <param name="innerException">The exception that caused this one, or null.</param>
        public TftpException(TftpFailure failure, TftpErrorCode errorCode, string message, Exception innerException)
            : base(message, innerException)
        {
            Failure = failure;
            ErrorCode = errorCode;
        }

        /// <summary>
        /// Gets why the operation failed.
        /// </summary>
        public TftpFailure Failure { get; }

        /// <summary>
        /// Gets the TFTP error code: the one the peer sent when <see cref="Failure"/> is
        /// <see cref="TftpFailure.RemoteError"/>, otherwise the one sent to the peer.
        /// </summary>
        public TftpErrorCode ErrorCode { get; }
    }
}
