using System;
using System.IO;

namespace TftpNano.Update.Storage
{
    /// <summary>
    /// Update storage in a folder of a real file system: SD card or internal flash on the device, any
    /// folder on the host.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Every failure, of an operation or of a stream it returned, is a <see cref="StorageException"/>
    /// naming the operation and the path, because the file system's own exception types differ between
    /// runtimes (see that class).
    /// </para>
    /// <para>
    /// Paths are built and folders listed here only, the way both runtimes agree: nanoFramework's
    /// <c>Directory.GetDirectories("I:\tftpnano")</c> returns <c>I:\tftpnanor1</c>, with no separator
    /// unless the folder ends with one (System.IO.FileSystem 1.1.93, <c>Directory.cs</c>: only
    /// <c>GetFiles</c> adds it), desktop .NET returns <c>I:\tftpnano\r1</c>.
    /// </para>
    /// </remarks>
    public class FileSystemStorage : IUpdateStorage
    {
        // The file HasRoom writes: 9 chunks of 512 bytes, more than one 4 KiB littlefs block.
        private const string ProbeFileName = "room.probe";
        private const int ProbeChunkLength = 512;
        private const int ProbeChunks = 9;

        private readonly string _root;

        // Whether every file is extended to its length before it is written (see Reserve).
        private readonly bool _reserveSpace;

        /// <summary>
        /// Uses a folder, creating it when it does not exist; files are not reserved before they are written.
        /// </summary>
        /// <param name="root">The folder, for example <c>I:\tftpnano</c>.</param>
        /// <exception cref="StorageException">The folder cannot be found or made.</exception>
        public FileSystemStorage(string root)
            : this(root, false)
        {
        }

        /// <summary>
        /// Uses a folder, creating it when it does not exist.
        /// </summary>
        /// <param name="root">The folder, for example <c>D:\tftpnano</c>.</param>
        /// <param name="reserveSpace">True on a FAT volume (an SD card): every file is extended to its
        /// length when it is created, so that a full volume is found then, instead of by a write that
        /// never returns. False on littlefs (<c>I:</c>), where a full volume fails a write and extending
        /// a file would write it twice.</param>
        /// <exception cref="StorageException">The folder cannot be found or made.</exception>
        public FileSystemStorage(string root, bool reserveSpace)
        {
            _reserveSpace = reserveSpace;
            if (root == null || root.Length == 0)
            {
                throw new ArgumentException("The storage folder is empty.", "root");
            }

            _root = root;
            try
            {
                if (!Directory.Exists(root))
                {
                    Directory.CreateDirectory(root);
                }
            }
            catch (Exception e)
            {
                throw new StorageException("Creating folder", root, e);
            }
        }

        /// <summary>
        /// Gets the folder this storage lives in.
        /// </summary>
        public string Root
        {
            get { return _root; }
        }

        /// <inheritdoc/>
        public bool FileExists(string path)
        {
            string full = FullPath(path);
            try
            {
                return File.Exists(full);
            }
            catch (Exception e)
            {
                throw new StorageException("Looking for", full, e);
            }
        }

        /// <inheritdoc/>
        public string[] GetFolders()
        {
            string[] folders;
            try
            {
                folders = Directory.GetDirectories(_root);
            }
            catch (Exception e)
            {
                throw new StorageException("Listing", _root, e);
            }

            for (int i = 0; i < folders.Length; i++)
            {
                folders[i] = ChildName(_root, folders[i]);
            }

            return folders;
        }

        /// <inheritdoc/>
        public Stream OpenRead(string path)
        {
            string full = FullPath(path);
            try
            {
                return new StorageFileStream(new FileStream(full, FileMode.Open, FileAccess.Read), full, this);
            }
            catch (Exception e)
            {
                throw new StorageException("Opening", full, e);
            }
        }

        /// <inheritdoc/>
        public Stream CreateFile(string path, long length)
        {
            string full = FullPath(path);
            FileStream file;
            try
            {
                file = new FileStream(full, FileMode.Create, FileAccess.Write);
            }
            catch (Exception e)
            {
                throw new StorageException("Creating", full, e);
            }

            if (_reserveSpace && length > 0)
            {
                Reserve(file, full, length);
            }

            return new StorageFileStream(file, full, this);
        }

        // FAT reports a full volume by writing nothing and succeeding (FatFs f_write), and nanoFramework's
        // native write then waits for an I/O event with no timeout, for ever (nf-interpreter
        // targets/ESP32/_FatFs/fatfs_FS_Driver.cpp; System.IO.FileSystem NativeFileStream's write loop).
        // Extending the file first (f_lseek and f_truncate in that driver) stops at the last cluster the
        // volume could give, so a file that comes out shorter means no room, before any byte is written.
        private void Reserve(FileStream file, string full, long length)
        {
            long room;
            try
            {
                file.SetLength(length);
                room = file.Length;
                if (room >= length)
                {
                    file.Position = 0;
                    return;
                }

                file.Close();
                File.Delete(full);
            }
            catch (Exception e)
            {
                file.Close();
                throw new StorageException("Reserving room for", full, e);
            }

            throw new StorageException(full, length, room);
        }

        // Whether the volume can still give a file a block, asked after a write failed: nanoFramework
        // reports a full littlefs volume as the same bare exception as any other I/O failure (the ESP32
        // driver returns CLR_E_FILE_IO for a short fwrite, nf-interpreter
        // targets/ESP32/_littlefs/littlefs_FS_Driver.cpp), and no drive can tell its free space. A probe
        // file larger than a littlefs block (4 KiB) needs a new block, as the failed write did, and is
        // deleted at once.
        internal bool HasRoom()
        {
            string probe = Path.Combine(_root, ProbeFileName);
            bool written = false;
            try
            {
                FileStream file = new FileStream(probe, FileMode.Create, FileAccess.Write);
                try
                {
                    byte[] chunk = new byte[ProbeChunkLength];
                    for (int i = 0; i < ProbeChunks; i++)
                    {
                        file.Write(chunk, 0, chunk.Length);
                    }

                    file.Flush();
                    written = true;
                }
                finally
                {
                    file.Close();
                }
            }
            catch (Exception)
            {
                // No room, or the volume fails altogether: either way the write is not retried.
            }

            try
            {
                if (File.Exists(probe))
                {
                    File.Delete(probe);
                }
            }
            catch (Exception)
            {
                // Left for the next probe to replace: it is never read.
            }

            return written;
        }

        /// <inheritdoc/>
        public void CreateFolder(string path)
        {
            string full = FullPath(path);
            try
            {
                Directory.CreateDirectory(full);
            }
            catch (Exception e)
            {
                throw new StorageException("Creating folder", full, e);
            }

            SyncFolderOf(full);
        }

        /// <inheritdoc/>
        public void DeleteFile(string path)
        {
            string full = FullPath(path);
            try
            {
                if (!File.Exists(full))
                {
                    return;
                }

                File.Delete(full);
            }
            catch (Exception e)
            {
                throw new StorageException("Deleting", full, e);
            }

            SyncFolderOf(full);
        }

        /// <inheritdoc/>
        public void DeleteFolder(string path)
        {
            string full = FullPath(path);
            try
            {
                if (!Directory.Exists(full))
                {
                    return;
                }

                Directory.Delete(full, true);
            }
            catch (Exception e)
            {
                throw new StorageException("Deleting folder", full, e);
            }

            SyncFolderOf(full);
        }

        /// <summary>
        /// Gets how many bytes can still be written: -1 here, since a nanoFramework drive cannot tell.
        /// </summary>
        /// <remarks>
        /// <c>DriveInfo</c> has no free space on nanoFramework, and both ESP32 file-system drivers
        /// (littlefs and FAT) report a <c>TotalSize</c> of -1. A release too large for the device is
        /// therefore refused when a write fails, in staging, with the active release untouched. The host
        /// tool's storage overrides this with the free space its operating system reports.
        /// </remarks>
        /// <returns>-1.</returns>
        public virtual long GetFreeSpace()
        {
            return -1;
        }

        /// <summary>
        /// Makes a folder's entries durable: what was created or deleted in it survives a power
        /// cut. Nothing to do here: nanoFramework's littlefs and FAT drivers commit a folder's entries
        /// when a file is closed; the host tool's storage syncs the folder (fsync).
        /// </summary>
        /// <param name="folder">The folder, as the file system names it.</param>
        protected virtual void SyncFolder(string folder)
        {
        }

        /// <summary>
        /// Makes the entry of a file or folder durable in the folder that holds it.
        /// </summary>
        /// <param name="path">The file or folder, as the file system names it.</param>
        internal void SyncFolderOf(string path)
        {
            string folder = Path.GetDirectoryName(path);
            try
            {
                SyncFolder(folder);
            }
            catch (Exception e)
            {
                throw new StorageException("Syncing folder", folder, e);
            }
        }

        /// <summary>
        /// Maps a storage path to a path of the file system.
        /// </summary>
        /// <param name="path">A path relative to the storage folder, '/' separated, at most one folder deep.</param>
        /// <returns>The full path.</returns>
        protected string FullPath(string path)
        {
            int slash = path.IndexOf('/');
            if (slash < 0)
            {
                return Path.Combine(_root, path);
            }

            return Path.Combine(Path.Combine(_root, path.Substring(0, slash)), path.Substring(slash + 1));
        }

        /// <summary>
        /// Gets a folder entry's own name from what a listing of its parent returned, with or without a
        /// separator between the two, as either runtime gives it.
        /// </summary>
        /// <param name="parent">The folder that was listed, as it was passed to the listing.</param>
        /// <param name="entry">One entry the listing returned.</param>
        /// <returns>The entry's name.</returns>
        public static string ChildName(string parent, string entry)
        {
            int start = entry.Length > parent.Length && entry.StartsWith(parent) ? parent.Length : 0;
            if (start == 0)
            {
                // Not under the folder as it was named: take what follows the last separator.
                start = LastSeparator(entry) + 1;
            }

            while (start < entry.Length && IsSeparator(entry[start]))
            {
                start++;
            }

            return entry.Substring(start);
        }

        private static int LastSeparator(string path)
        {
            for (int i = path.Length - 1; i >= 0; i--)
            {
                if (IsSeparator(path[i]))
                {
                    return i;
                }
            }

            return -1;
        }

        private static bool IsSeparator(char c)
        {
            return c == '\\' || c == '/';
        }
    }
}
