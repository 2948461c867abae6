using System.IO;

namespace TftpNano.Update
{
    /// <summary>
    /// Update storage in a folder of a real file system: SD card or internal flash on the device, any
    /// folder on the host.
    /// </summary>
    public class FileSystemStorage : IUpdateStorage
    {
        private readonly string _root;

        /// <summary>
        /// Uses a folder, creating it when it does not exist.
        /// </summary>
        /// <param name="root">The folder, for example <c>D:\tftpnano</c>.</param>
        public FileSystemStorage(string root)
        {
            _root = root;
            if (!Directory.Exists(root))
            {
                Directory.CreateDirectory(root);
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
            return File.Exists(FullPath(path));
        }

        /// <inheritdoc/>
        public string[] GetFolders()
        {
            string[] folders = Directory.GetDirectories(_root);
            for (int i = 0; i < folders.Length; i++)
            {
                folders[i] = Path.GetFileName(folders[i]);
            }

            return folders;
        }

        /// <inheritdoc/>
        public Stream OpenRead(string path)
        {
            return new FileStream(FullPath(path), FileMode.Open, FileAccess.Read);
        }

        /// <inheritdoc/>
        public Stream CreateFile(string path)
        {
            return new FileStream(FullPath(path), FileMode.Create, FileAccess.Write);
        }

        /// <inheritdoc/>
        public void CreateFolder(string path)
        {
            Directory.CreateDirectory(FullPath(path));
        }

        /// <inheritdoc/>
        public void MoveFile(string source, string destination)
        {
            File.Move(FullPath(source), FullPath(destination));
        }

        /// <inheritdoc/>
        public void MoveFolder(string source, string destination)
        {
            Directory.Move(FullPath(source), FullPath(destination));
        }

        /// <inheritdoc/>
        public void DeleteFile(string path)
        {
            string full = FullPath(path);
            if (File.Exists(full))
            {
                File.Delete(full);
            }
        }

        /// <inheritdoc/>
        public void DeleteFolder(string path)
        {
            string full = FullPath(path);
            if (Directory.Exists(full))
            {
                Directory.Delete(full, true);
            }
        }

        /// <summary>
        /// Gets how many bytes can still be written; this portable version cannot tell and returns -1,
        /// so the free-space check is left to the platform's subclass and a full card shows as a write failure.
        /// </summary>
        /// <returns>-1.</returns>
        public virtual long GetFreeSpace()
        {
            return -1;
        }

        /// <summary>
        /// Maps a storage path to a path of the file system.
        /// </summary>
        /// <param name="path">A path relative to the storage folder, '/' separated.</param>
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
    }
}
