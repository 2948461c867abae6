using System;

namespace TftpNano.Update
{
    /// <summary>
    /// An update was refused or failed; the message says why in one sentence.
    /// </summary>
    public class UpdateException : Exception
    {
        /// <summary>
        /// Creates an exception of the given kind.
        /// </summary>
        /// <param name="failure">Why the update stopped.</param>
        /// <param name="message">A complete sentence for the user.</param>
        public UpdateException(UpdateFailure failure, string message)
            : this(failure, message, null)
        {
        }

        /// <summary>
        /// Creates an exception of the given kind with the exception that caused it.
        /// </summary>
        /// <param name="failure">Why the update stopped.</param>
        /// <param name="message">A complete sentence for the user.</param>
        /// <param name="innerException">The cause, or null.</param>
        public UpdateException(UpdateFailure failure, string message, Exception innerException)
            : base(message, innerException)
        {
            Failure = failure;
        }

        /// <summary>
        /// Gets why the update stopped.
        /// </summary>
        public UpdateFailure Failure { get; }
    }
}
