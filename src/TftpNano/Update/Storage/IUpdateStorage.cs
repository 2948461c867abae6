using System.IO;

namespace TftpNano.Update.Storage
{
    /// <summary>
    /// The storage an update writes to: a folder on SD card or internal flash.
    /// </summary>
    /// <remarks>
    /// Every path is relative to that folder, with '/' between a folder and a file name, and at most one
    /// folder deep. All storage access of an update goes through this seam, one call per operation (and
    /// one call per <c>Write</c> on a stream from <see cref="CreateFile(string, long)"/>), so tests can cut the power
    /// after or inside any single operation and check what a reboot finds. There is no rename: FAT
    /// renames in two steps that a cut can separate, and an update never needs one.
    /// </remarks>
    public interface IUpdateStorage
    {
        /// <summary>
        /// Tells whether a file exists.
        /// </summary>
        /// <param name="path">The file's path.</param>
        /// <returns>True when it exists.</returns>
        bool FileExists(string path);

        /// <summary>
        /// Gets the names of the folders directly inside the storage folder.
        /// </summary>
        /// <returns>The folder names, without paths.</returns>
        string[] GetFolders();

        /// <summary>
        /// Opens a file for reading.
        /// </summary>
        /// <param name="path">The file's path.</param>
        /// <returns>A stream the caller closes.</returns>
        Stream OpenRead(string path);

        /// <summary>
        /// Creates a file, replacing one of the same name, with room for its content, and opens it for
        /// writing.
        /// </summary>
        /// <param name="path">The file's path.</param>
        /// <param name="length">The content's length, in bytes.</param>
        /// <returns>A stream the caller closes; closing it makes the content durable.</returns>
        /// <exception cref="StorageException">The file cannot be created, or the volume has no room for
        /// it (<see cref="StorageException.VolumeFull"/>): no byte of it was written then.</exception>
        Stream CreateFile(string path, long length);

        /// <summary>
        /// Creates a folder.
        /// </summary>
        /// <param name="path">The folder's path.</param>
        void CreateFolder(string path);

        /// <summary>
        /// Deletes a file if it exists.
        /// </summary>
        /// <param name="path">The file's path.</param>
        void DeleteFile(string path);

        /// <summary>
        /// Deletes a folder and everything in it, if it exists.
        /// </summary>
        /// <param name="path">The folder's path.</param>
        void DeleteFolder(string path);

        /// <summary>
        /// Gets how many bytes can still be written.
        /// </summary>
        /// <returns>The free space, or -1 when the storage cannot tell.</returns>
        long GetFreeSpace();
    }
}
