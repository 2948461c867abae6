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
        /// Creates the exception for an ERROR packet the peer sent.
        /// </summary>
        /// <param name="errorCode">The peer's error code.</param>
        /// <param name="serverMessage">The peer's own text, as it sent it.</param>
        /// <param name="message">A complete sentence for the user.</param>
        internal TftpException(TftpErrorCode errorCode, string serverMessage, string message)
            : this(TftpFailure.RemoteError, errorCode, message, null)
        {
            ServerMessage = serverMessage;
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

        /// <summary>
        /// Gets the text of the peer's ERROR packet (such as <c>File not found</c>) when
        /// <see cref="Failure"/> is <see cref="TftpFailure.RemoteError"/>, otherwise null. It is the
        /// peer's, unfiltered: escape it before writing it to a terminal.
        /// </summary>
        public string ServerMessage { get; }
    }
}
