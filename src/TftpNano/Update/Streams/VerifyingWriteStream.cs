using System;
using System.IO;
using TftpNano.Security;

namespace TftpNano.Update.Streams
{
    /// <summary>
    /// Writes a release file through to storage while hashing it and holding it to its announced size.
    /// </summary>
    /// <remarks>
    /// Hashing on the way in is what lets an update check a file without reading the storage back; refusing
    /// the first byte beyond the size stops a server that sends too much before it fills the card.
    /// </remarks>
    internal sealed class VerifyingWriteStream : WriteOnlyStream
    {
        private readonly Sha256 _hash;

        // Made at the first file that needs it: its 4 KiB chunk buffer is a real share of a device's heap.
        private HmacSha256Chain _chain;
        private DigestKind _kind;
        private Stream _destination;
        private long _limit;
        private long _written;
        private bool _overflowed;

        /// <summary>
        /// Creates the stream with its hash state, which is reused for every file.
        /// </summary>
        public VerifyingWriteStream()
        {
            _hash = new Sha256();
        }

        /// <summary>
        /// Gets whether a write was refused because it went beyond the limit.
        /// </summary>
        public bool Overflowed
        {
            get { return _overflowed; }
        }

        /// <inheritdoc/>
        public override long Length
        {
            get { return _written; }
        }

        /// <summary>
        /// Starts a new file.
        /// </summary>
        /// <param name="destination">Where the bytes go, or null to only hash them.</param>
        /// <param name="limit">The most bytes accepted.</param>
        /// <param name="kind">The digest the file is checked against.</param>
        public void Begin(Stream destination, long limit, DigestKind kind)
        {
            _kind = kind;
            if (kind == DigestKind.HmacSha256Chain)
            {
                if (_chain == null)
                {
                    _chain = new HmacSha256Chain();
                }

                _chain.Reset();
            }

            _destination = destination;
            _limit = limit;
            _written = 0;
            _overflowed = false;
            _hash.Reset();
        }

        /// <summary>
        /// Tells whether what was written has the expected digest, and starts over.
        /// </summary>
        /// <param name="expected">The 32-byte digest expected, of the kind given to <see cref="Begin"/>.</param>
        /// <param name="scratch">At least 32 bytes of scratch space.</param>
        /// <returns>True when the digests agree.</returns>
        public bool Matches(byte[] expected, byte[] scratch)
        {
            if (_kind == DigestKind.HmacSha256Chain)
            {
                _chain.Finish(scratch, 0);
            }
            else
            {
                _hash.Finish(scratch, 0);
            }

            for (int i = 0; i < Sha256.HashLength; i++)
            {
                if (scratch[i] != expected[i])
                {
                    return false;
                }
            }

            return true;
        }

        /// <inheritdoc/>
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (_written + count > _limit)
            {
                _overflowed = true;
                throw new IOException("The file is longer than its manifest entry says.");
            }

            if (_kind == DigestKind.HmacSha256Chain)
            {
                _chain.Append(buffer, offset, count);
            }
            else
            {
                _hash.Append(buffer, offset, count);
            }

            if (_destination != null)
            {
                _destination.Write(buffer, offset, count);
            }

            _written += count;
        }

        /// <inheritdoc/>
        public override void Flush()
        {
            if (_destination != null)
            {
                _destination.Flush();
            }
        }
    }
}
