using System;
using System.IO;

namespace DeviceCosts
{
    /// <summary>
    /// A destination that counts the bytes written and keeps none: a transfer measured without storage.
    /// </summary>
    /// <remarks>
    /// A whole Stream rather than a TftpNano.Update.WriteOnlyStream: the benchmark builds this app
    /// against older revisions too (--compare), where that class is internal.
    /// </remarks>
    internal sealed class DiscardStream : Stream
    {
        private long _length;

        public override bool CanRead
        {
            get { return false; }
        }

        public override bool CanSeek
        {
            get { return false; }
        }

        public override bool CanWrite
        {
            get { return true; }
        }

        public override long Length
        {
            get { return _length; }
        }

        public override long Position
        {
            get { return _length; }
            set { throw new NotSupportedException(); }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            throw new NotSupportedException();
        }

#if NANOFRAMEWORK_1_0
        public override int Read(SpanByte buffer)
        {
            throw new NotSupportedException();
        }

#endif
        public override long Seek(long offset, SeekOrigin origin)
        {
            throw new NotSupportedException();
        }

        public override void SetLength(long value)
        {
            throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            _length += count;
        }
    }
}
