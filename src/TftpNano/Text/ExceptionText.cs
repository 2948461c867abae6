using System;

namespace TftpNano.Text
{
    /// <summary>
    /// How an exception reads in a log line or a result.
    /// </summary>
    /// <remarks>
    /// nanoFramework's natives throw exceptions without a message (a full littlefs volume is a bare
    /// <c>System.Exception</c>), so the message alone can be empty: the type always says something.
    /// </remarks>
    internal static class ExceptionText
    {
        /// <summary>
        /// Describes an exception by its type and, when it has one, its message.
        /// </summary>
        /// <param name="e">The exception.</param>
        /// <returns>For example <c>System.Exception</c> or <c>System.IO.IOException: Disk full</c>.</returns>
        public static string Describe(Exception e)
        {
            if (e == null)
            {
                return "no exception";
            }

            string type = e.GetType().FullName;
            string message = e.Message;
            return message == null || message.Length == 0 ? type : type + ": " + message;
        }
    }
}
