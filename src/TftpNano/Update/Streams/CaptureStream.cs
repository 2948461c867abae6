using System;
using System.IO;

namespace TftpNano.Update.Streams
{
    /// <summary>
    /// Collects a small download (the manifest, its signature) into a fixed buffer.
    /// </summary>
    internal sealed class CaptureStream : WriteOnlyStream
    {
        private readonly byte[] _buffer;
        private int _count;
        private bool _overflowed;

        /// <summary>
        /// Creates a stream that holds at most <paramref name="capacity"/> bytes.
        /// </summary>
        /// <param name="capacity">The most bytes accepted.</param>
        public CaptureStream(int capacity)
        {
            _buffer = new byte[capacity];
        }

        /// <summary>
        /// Gets the buffer; the first <see cref="Count"/> bytes are the download.
        /// </summary>
        public byte[] Buffer
        {
            get { return _buffer; }
        }

        /// <summary>
        /// Gets how many bytes were captured.
        /// </summary>
        public int Count
        {
            get { return _count; }
        }

        /// <summary>
        /// Gets whether the download was longer than the capacity.
        /// </summary>
        public bool Overflowed
        {
            get { return _overflowed; }
        }

        /// <inheritdoc/>
        public override long Length
        {
            get { return _count; }
        }

        /// <summary>
        /// Copies out what was captured.
        /// </summary>
        /// <returns>A new array of <see cref="Count"/> bytes.</returns>
        public byte[] ToArray()
        {
            byte[] copy = new byte[_count];
            Array.Copy(_buffer, copy, _count);
            return copy;
        }

        /// <inheritdoc/>
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (count > _buffer.Length - _count)
            {
                _overflowed = true;
                throw new IOException("The download is longer than " + _buffer.Length.ToString() + " bytes.");
            }

            Array.Copy(buffer, offset, _buffer, _count, count);
            _count += count;
        }

        /// <inheritdoc/>
        public override void Flush()
        {
        }
    }
}
