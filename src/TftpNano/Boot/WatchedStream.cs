using System;
using System.IO;

namespace TftpNano.Boot
{
    /// <summary>
    /// A file of a <see cref="StorageWatchdog"/>'s storage: every read, write, flush and close is counted
    /// in and out of the watchdog.
    /// </summary>
    internal sealed class WatchedStream : Stream
    {
        private readonly Stream _file;
        private readonly string _path;
        private readonly StorageWatchdog _watchdog;

        public WatchedStream(Stream file, string path, StorageWatchdog watchdog)
        {
            _file = file;
            _path = path;
            _watchdog = watchdog;
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
            get { return _file.Length; }
        }

        public override long Position
        {
            get { return _file.Position; }
            set { _file.Position = value; }
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            _watchdog.Enter(StorageWatchdog.Reading, _path);
            try
            {
                return _file.Read(buffer, offset, count);
            }
            finally
            {
                _watchdog.Leave();
            }
        }

#if NANOFRAMEWORK_1_0
        /// <remarks>Abstract in nanoFramework's System.IO.Streams; desktop .NET has no SpanByte.</remarks>
        public override int Read(SpanByte buffer)
        {
            _watchdog.Enter(StorageWatchdog.Reading, _path);
            try
            {
                return _file.Read(buffer);
            }
            finally
            {
                _watchdog.Leave();
            }
        }

#endif
        public override void Write(byte[] buffer, int offset, int count)
        {
            _watchdog.Enter(StorageWatchdog.Writing, _path);
            try
            {
                _file.Write(buffer, offset, count);
            }
            finally
            {
                _watchdog.Leave();
            }
        }

        public override void Flush()
        {
            _watchdog.Enter(StorageWatchdog.Flushing, _path);
            try
            {
                _file.Flush();
            }
            finally
            {
                _watchdog.Leave();
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
                    _watchdog.Enter(StorageWatchdog.Closing, _path);
                    try
                    {
                        _file.Dispose();
                    }
                    finally
                    {
                        _watchdog.Leave();
                    }
                }
            }
            finally
            {
                base.Dispose(disposing);
            }
        }
    }
}
