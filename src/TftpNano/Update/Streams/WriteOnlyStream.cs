using System;
using System.IO;

namespace TftpNano.Update.Streams
{
    /// <summary>
    /// A stream the download engine writes into and nothing reads back: the members every such
    /// destination answers the same way.
    /// </summary>
    public abstract class WriteOnlyStream : Stream
    {
        /// <inheritdoc/>
        public override bool CanRead
        {
            get { return false; }
        }

        /// <inheritdoc/>
        public override bool CanSeek
        {
            get { return false; }
        }

        /// <inheritdoc/>
        public override bool CanWrite
        {
            get { return true; }
        }

        /// <inheritdoc/>
        public override long Position
        {
            get { return Length; }
            set { throw new NotSupportedException(); }
        }

        /// <inheritdoc/>
        public override int Read(byte[] buffer, int offset, int count)
        {
            throw new NotSupportedException();
        }

#if NANOFRAMEWORK_1_0
        /// <inheritdoc/>
        /// <remarks>Abstract in nanoFramework's System.IO.Streams; desktop .NET has no SpanByte.</remarks>
        public override int Read(SpanByte buffer)
        {
            throw new NotSupportedException();
        }

#endif
        /// <inheritdoc/>
        public override long Seek(long offset, SeekOrigin origin)
        {
            throw new NotSupportedException();
        }

        /// <inheritdoc/>
        public override void SetLength(long value)
        {
            throw new NotSupportedException();
        }
    }
}
