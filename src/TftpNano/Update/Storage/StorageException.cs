using System;
using System.IO;
using TftpNano.Text;

namespace TftpNano.Update.Storage
{
    /// <summary>
    /// A storage operation failed: the message says which operation, on which path, and what the file
    /// system threw.
    /// </summary>
    /// <remarks>
    /// The file system's own exception types cannot be relied on: nanoFramework reports a full volume,
    /// a missing drive or a missing file as a plain <see cref="Exception"/>, desktop .NET as an
    /// <see cref="IOException"/>. <see cref="FileSystemStorage"/> turns every failure into this one type
    /// where it happens, so the updater decides by where a failure happened, never by its type.
    /// </remarks>
    public sealed class StorageException : IOException
    {
        /// <summary>
        /// Creates the exception.
        /// </summary>
        /// <param name="operation">What was being done, for example <c>Writing</c>.</param>
        /// <param name="path">The file or folder, as the file system names it.</param>
        /// <param name="inner">What the file system threw.</param>
        public StorageException(string operation, string path, Exception inner)
            : base(operation + " " + path + " failed: " + ExceptionText.Describe(inner), inner)
        {
        }

        /// <summary>
        /// Creates the exception for a volume that has no room for a file.
        /// </summary>
        /// <param name="path">The file, as the file system names it.</param>
        /// <param name="length">The bytes it needs.</param>
        /// <param name="room">The bytes the volume could give it.</param>
        public StorageException(string path, long length, long room)
            : base("The volume is full: " + path + " needs " + length.ToString() + " bytes and the volume has room for "
                + room.ToString() + ".")
        {
            VolumeFull = true;
        }

        /// <summary>
        /// Creates the exception for a write that failed, telling whether the volume had run out of room.
        /// </summary>
        /// <param name="path">The file, as the file system names it.</param>
        /// <param name="inner">What the file system threw.</param>
        /// <param name="volumeFull">True when the volume had no room left for the write.</param>
        public StorageException(string path, Exception inner, bool volumeFull)
            : base(volumeFull
                ? "The volume is full: writing " + path + " failed (" + ExceptionText.Describe(inner) + ")."
                : "Writing " + path + " failed: " + ExceptionText.Describe(inner), inner)
        {
            VolumeFull = volumeFull;
        }

        /// <summary>
        /// Gets whether the volume had no room for a file being created or written.
        /// </summary>
        public bool VolumeFull { get; }
    }
}
