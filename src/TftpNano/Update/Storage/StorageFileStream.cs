using System;
using System.IO;

namespace TftpNano.Update.Storage
{
    /// <summary>
    /// A file of <see cref="FileSystemStorage"/>: its reads, writes, flushes and close fail with a
    /// <see cref="StorageException"/> that names the file, whatever the file system threw. A flush
    /// reaches the medium, and closing a file that was written makes its folder's entry durable too.
    /// </summary>
    internal sealed class StorageFileStream : Stream
    {
        private readonly Stream _file;
        private readonly string _path;
        private readonly FileSystemStorage _storage;

        public StorageFileStream(Stream file, string path, FileSystemStorage storage)
        {
            _file = file;
            _path = path;
            _storage = storage;
        }

        public override bool CanRead
        {
            get { return _file.CanRead; }
        }

        public override bool CanSeek
        {
            get { return _file.CanSeek; }
        }

        public override bool CanWrite
        {
            get { return _file.CanWrite; }
        }

        public override long Length
        {
            get
            {
                try
                {
                    return _file.Length;
                }
                catch (Exception e)
                {
                    throw new StorageException("Measuring", _path, e);
                }
            }
        }

        public override long Position
        {
            get { return _file.Position; }
            set { _file.Position = value; }
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return _file.Read(buffer, offset, count);
            }
            catch (Exception e)
            {
                throw new StorageException("Reading", _path, e);
            }
        }

#if NANOFRAMEWORK_1_0
        /// <remarks>Abstract in nanoFramework's System.IO.Streams; desktop .NET has no SpanByte.</remarks>
        public override int Read(SpanByte buffer)
        {
            try
            {
                return _file.Read(buffer);
            }
            catch (Exception e)
            {
                throw new StorageException("Reading", _path, e);
            }
        }

#endif
        public override void Write(byte[] buffer, int offset, int count)
        {
            try
            {
                _file.Write(buffer, offset, count);
            }
            catch (Exception e)
            {
                throw new StorageException(_path, e, !_storage.HasRoom());
            }
        }

        public override void Flush()
        {
            try
            {
#if NANOFRAMEWORK_1_0
                // littlefs and FAT write through on flush and commit their metadata on close.
                _file.Flush();
#else
                // Down to the medium (fsync), not only to the operating system's cache.
                FileStream file = _file as FileStream;
                if (file != null)
                {
                    file.Flush(true);
                }
                else
                {
                    _file.Flush();
                }
#endif
            }
            catch (Exception e)
            {
                throw new StorageException("Flushing", _path, e);
            }
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            return _file.Seek(offset, origin);
        }

        public override void SetLength(long value)
        {
            _file.SetLength(value);
        }

        protected override void Dispose(bool disposing)
        {
            try
            {
                if (disposing)
                {
                    bool written = _file.CanWrite;
                    _file.Dispose();
                    if (written)
                    {
                        _storage.SyncFolderOf(_path);
                    }
                }
            }
            catch (Exception e)
            {
                throw new StorageException("Closing", _path, e);
            }
            finally
            {
                base.Dispose(disposing);
            }
        }
    }
}
