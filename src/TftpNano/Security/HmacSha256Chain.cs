using System;
using System.Security.Cryptography;

namespace TftpNano.Security
{
    /// <summary>
    /// A file digest for an interpreter: HMAC-SHA256 over consecutive 4096-byte chunks, each keyed by
    /// the digest of the chunk before it.
    /// </summary>
    /// <remarks>
    /// <para>
    /// D(-1) is 32 zero bytes and D(i) = HMAC-SHA256(key: D(i-1), message: chunk i); the digest is the
    /// last D. The chunks are the file's 4096-byte pieces, the last one shorter or, for an empty file
    /// only, empty. With the key known, HMAC-SHA256 is a hash built from SHA-256 (RFC 2104), so two
    /// different files with the same digest would need a SHA-256 collision; the manifest also fixes each
    /// file's size.
    /// </para>
    /// <para>
    /// The point is speed on the device: each chunk is one call into the firmware's native HMAC
    /// (nanoFramework.System.Security.Cryptography, over mbedTLS, on every ESP32 target), tens of IL
    /// instructions per 4 KiB instead of about 185 per byte for the managed SHA-256. Where the native
    /// call fails, the chain goes on with a managed HMAC over <see cref="Sha256"/>, which gives the
    /// same digest. Two facts of that library shape the code: its <c>Dispose</c> zeroes the key array
    /// it was given, so a key array is never used again after a call; and a null key or message crashes
    /// the firmware, so neither is ever null.
    /// </para>
    /// </remarks>
    public sealed class HmacSha256Chain
    {
        /// <summary>The length of each chunk but the last.</summary>
        public const int ChunkLength = 4096;

        private const int BlockLength = 64;

        private readonly byte[] _chunk = new byte[ChunkLength];
        private byte[] _key;
        private int _filled;
        private bool _useManaged;
        private Sha256 _managed;
        private byte[] _pad;

        /// <summary>
        /// Creates a chain at its start.
        /// </summary>
        public HmacSha256Chain()
        {
            Reset();
        }

        /// <summary>
        /// Starts a new digest.
        /// </summary>
        public void Reset()
        {
            _key = new byte[Sha256.HashLength];
            _filled = 0;
        }

        /// <summary>
        /// Adds bytes to the digest.
        /// </summary>
        /// <param name="data">The bytes.</param>
        /// <param name="offset">Where they start.</param>
        /// <param name="count">How many there are.</param>
        public void Append(byte[] data, int offset, int count)
        {
            while (count > 0)
            {
                // A full chunk is digested only when more bytes follow: the last chunk may be a full one.
                if (_filled == ChunkLength)
                {
                    _key = Mac(_key, _chunk);
                    _filled = 0;
                }

                int take = ChunkLength - _filled < count ? ChunkLength - _filled : count;
                Array.Copy(data, offset, _chunk, _filled, take);
                _filled += take;
                offset += take;
                count -= take;
            }
        }

        /// <summary>
        /// Finishes the digest; the chain must be <see cref="Reset"/> before it is used again.
        /// </summary>
        /// <param name="destination">Receives the 32-byte digest.</param>
        /// <param name="offset">Where to put it.</param>
        public void Finish(byte[] destination, int offset)
        {
            byte[] last = _chunk;
            if (_filled < ChunkLength)
            {
                last = new byte[_filled];
                Array.Copy(_chunk, last, _filled);
            }

            byte[] digest = Mac(_key, last);
            Array.Copy(digest, 0, destination, offset, Sha256.HashLength);
        }

        /// <summary>
        /// Computes the digest of a whole buffer.
        /// </summary>
        /// <param name="data">The bytes.</param>
        /// <param name="offset">Where they start.</param>
        /// <param name="count">How many there are.</param>
        /// <returns>The 32-byte digest.</returns>
        public static byte[] Hash(byte[] data, int offset, int count)
        {
            HmacSha256Chain chain = new HmacSha256Chain();
            chain.Append(data, offset, count);
            byte[] digest = new byte[Sha256.HashLength];
            chain.Finish(digest, 0);
            return digest;
        }

        /// <summary>
        /// HMAC-SHA256 (RFC 2104) with the managed SHA-256: what the native call computes, for where it
        /// is missing and for tests that hold the two to each other.
        /// </summary>
        /// <param name="key">The key, at most 64 bytes.</param>
        /// <param name="message">The message.</param>
        /// <returns>The 32-byte MAC.</returns>
        public static byte[] ManagedMac(byte[] key, byte[] message)
        {
            return new HmacSha256Chain().ManagedMacInto(key, message);
        }

        private byte[] Mac(byte[] key, byte[] message)
        {
            if (!_useManaged)
            {
                try
                {
                    return HMACSHA256.HashData(key, message);
                }
                catch (Exception)
                {
                    // No native HMAC in this firmware (or it failed): the managed one gives the same digest.
                    _useManaged = true;
                }
            }

            return ManagedMacInto(key, message);
        }

        private byte[] ManagedMacInto(byte[] key, byte[] message)
        {
            if (key.Length > BlockLength)
            {
                throw new ArgumentException("The key is longer than a SHA-256 block.", "key");
            }

            if (_managed == null)
            {
                _managed = new Sha256();
                _pad = new byte[BlockLength];
            }

            // Inner: SHA-256((key XOR ipad) || message); outer: SHA-256((key XOR opad) || inner).
            byte[] inner = new byte[Sha256.HashLength];
            Pad(key, 0x36);
            _managed.Reset();
            _managed.Append(_pad, 0, BlockLength);
            _managed.Append(message, 0, message.Length);
            _managed.Finish(inner, 0);

            byte[] outer = new byte[Sha256.HashLength];
            Pad(key, 0x5c);
            _managed.Reset();
            _managed.Append(_pad, 0, BlockLength);
            _managed.Append(inner, 0, inner.Length);
            _managed.Finish(outer, 0);
            return outer;
        }

        private void Pad(byte[] key, byte with)
        {
            for (int i = 0; i < BlockLength; i++)
            {
                _pad[i] = (byte)((i < key.Length ? key[i] : 0) ^ with);
            }
        }
    }
}
