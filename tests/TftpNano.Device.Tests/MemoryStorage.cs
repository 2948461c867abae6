using System;
using System.Collections;
using System.IO;
using TftpNano.Update;
using TftpNano.Update.Storage;
using TftpNano.Update.Streams;

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

        /// <summary>Gets how many files were created, for tests that count what an update wrote.</summary>
        public int FilesCreated { get; private set; }

        /// <summary>Gets how many times a file was opened for reading.</summary>
        public int FilesOpened { get; private set; }

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

            FilesOpened++;
            return new MemoryStream(file.Data, false);
        }

        public Stream CreateFile(string path, long length)
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
            return -1;
        }

        /// <summary>Gets a file's content, or null.</summary>
        public byte[] Read(string path)
        {
            MemoryFile file = Find(path);
            return file == null ? null : file.Data;
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
        // Each write is kept as an exact copy and joined at the close: the storage lives in the same
        // small heap as the code under test, and a MemoryStream's doubling buffer would take twice the
        // file and fragment that heap, which a device's file system never costs.
        private sealed class ClosingStream : WriteOnlyStream
        {
            private readonly MemoryFile _file;
            private readonly ArrayList _chunks = new ArrayList();
            private long _length;

            public ClosingStream(MemoryFile file)
            {
                _file = file;
            }

            public override long Length
            {
                get { return _length; }
            }

            public override void Write(byte[] buffer, int offset, int count)
            {
                byte[] chunk = new byte[count];
                Array.Copy(buffer, offset, chunk, 0, count);
                _chunks.Add(chunk);
                _length += count;
            }

            public override void Flush()
            {
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing && _chunks.Count > 0)
                {
                    byte[] data = new byte[_length];
                    int at = 0;
                    foreach (byte[] chunk in _chunks)
                    {
                        Array.Copy(chunk, 0, data, at, chunk.Length);
                        at += chunk.Length;
                    }

                    _chunks.Clear();
                    _file.Data = data;
                }

                base.Dispose(disposing);
            }
        }
    }
}
