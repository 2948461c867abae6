using System;
using System.Collections;
using System.IO;
using TftpNano.Update;

namespace TftpNano.Device.Tests
{
    /// <summary>
    /// An <see cref="IUpdateStorage"/> in RAM, so that the updater's decisions run in the interpreter
    /// without a file system. Paths are <c>name</c> or <c>folder/name</c>, as the release store uses them;
    /// a file's content is what its stream held when it was closed.
    /// </summary>
    internal sealed class MemoryStorage : IUpdateStorage
    {
        private readonly ArrayList _files = new ArrayList();
        private readonly ArrayList _folders = new ArrayList();

        /// <summary>Gets or sets what <see cref="GetFreeSpace"/> answers; -1 for unknown.</summary>
        public long FreeSpace { get; set; } = -1;

        /// <summary>Gets how many files were created, for tests that count what an update wrote.</summary>
        public int FilesCreated { get; private set; }

        public bool FileExists(string path)
        {
            return Find(path) != null;
        }

        public string[] GetFolders()
        {
            return (string[])_folders.ToArray(typeof(string));
        }

        public Stream OpenRead(string path)
        {
            MemoryFile file = Find(path);
            if (file == null)
            {
                throw new IOException("No file " + path);
            }

            return new MemoryStream(file.Data, false);
        }

        public Stream CreateFile(string path)
        {
            CheckFolder(path);
            MemoryFile file = Find(path);
            if (file == null)
            {
                file = new MemoryFile(path);
                _files.Add(file);
            }

            file.Data = new byte[0];
            FilesCreated++;
            return new ClosingStream(file);
        }

        public void CreateFolder(string path)
        {
            if (!_folders.Contains(path))
            {
                _folders.Add(path);
            }
        }

        public void MoveFile(string source, string destination)
        {
            MemoryFile file = Find(source);
            if (file == null || Find(destination) != null)
            {
                throw new IOException("Cannot move " + source + " to " + destination);
            }

            CheckFolder(destination);
            file.Path = destination;
        }

        public void MoveFolder(string source, string destination)
        {
            if (!_folders.Contains(source) || _folders.Contains(destination))
            {
                throw new IOException("Cannot move folder " + source + " to " + destination);
            }

            _folders.Remove(source);
            _folders.Add(destination);
            foreach (MemoryFile file in _files)
            {
                if (file.Path.StartsWith(source + "/"))
                {
                    file.Path = destination + file.Path.Substring(source.Length);
                }
            }
        }

        public void DeleteFile(string path)
        {
            MemoryFile file = Find(path);
            if (file != null)
            {
                _files.Remove(file);
            }
        }

        public void DeleteFolder(string path)
        {
            _folders.Remove(path);
            for (int i = _files.Count - 1; i >= 0; i--)
            {
                if (((MemoryFile)_files[i]).Path.StartsWith(path + "/"))
                {
                    _files.RemoveAt(i);
                }
            }
        }

        public long GetFreeSpace()
        {
            return FreeSpace;
        }

        /// <summary>Gets a file's content, or null.</summary>
        public byte[] Read(string path)
        {
            MemoryFile file = Find(path);
            return file == null ? null : file.Data;
        }

        /// <summary>Replaces a file's content, as damage on the medium would.</summary>
        public void Overwrite(string path, byte[] data)
        {
            Find(path).Data = data;
        }

        private void CheckFolder(string path)
        {
            int slash = path.IndexOf('/');
            if (slash > 0 && !_folders.Contains(path.Substring(0, slash)))
            {
                throw new IOException("No folder for " + path);
            }
        }

        private MemoryFile Find(string path)
        {
            foreach (MemoryFile file in _files)
            {
                if (file.Path == path)
                {
                    return file;
                }
            }

            return null;
        }

        private sealed class MemoryFile
        {
            public MemoryFile(string path)
            {
                Path = path;
            }

            public string Path { get; set; }

            public byte[] Data { get; set; }
        }

        // Keeps what was written when the writer closes the file, as a file system commits it then.
        private sealed class ClosingStream : MemoryStream
        {
            private readonly MemoryFile _file;

            public ClosingStream(MemoryFile file)
            {
                _file = file;
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    _file.Data = ToArray();
                }

                base.Dispose(disposing);
            }
        }
    }
}
