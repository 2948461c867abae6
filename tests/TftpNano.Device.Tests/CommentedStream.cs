using System;
using System.IO;

namespace TftpNano.Device.Tests
{
    /// <summary>
    /// A settings file of any length that takes no memory: its first lines, then comment lines up to the
    /// length given, made as they are read.
    /// </summary>
    internal sealed class CommentedStream : Stream
    {
        private readonly byte[] _head;
        private readonly long _length;
        private long _position;

        /// <param name="head">The lines at the start of the file.</param>
        /// <param name="length">The file's whole length, in bytes.</param>
        public CommentedStream(string head, long length)
        {
            _head = System.Text.Encoding.UTF8.GetBytes(head);
            _length = length;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => _length;

        public override long Position
        {
            get { return _position; }
            set { throw new NotSupportedException(); }
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int read = 0;
            while (read < count && _position < _length)
            {
                // '#' starts each 64-byte comment line; the last byte of each is its newline.
                long comment = _position - _head.Length;
                buffer[offset + read] = _position < _head.Length ? _head[_position] : comment % 64 == 63 ? (byte)'\n' : comment % 64 == 0 ? (byte)'#' : (byte)'c';
                _position++;
                read++;
            }

            return read;
        }

#if NANOFRAMEWORK_1_0
        public override int Read(SpanByte buffer)
        {
            throw new NotSupportedException();
        }
#endif

        public override void Flush()
        {
        }

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
            throw new NotSupportedException();
        }
    }
}
