using System;

namespace TftpNano.Security
{
    /// <summary>
    /// SHA-256 (FIPS 180-4), fed incrementally.
    /// </summary>
    /// <remarks>
    /// nanoFramework has no SHA-256 class and no incremental hashing, and an update must hash each block
    /// as it is written rather than read the file back, so the core carries its own. It allocates its
    /// state once; <see cref="Append"/> allocates nothing.
    /// </remarks>
    public sealed class Sha256
    {
        /// <summary>
        /// The length of a SHA-256 digest in bytes.
        /// </summary>
        public const int HashLength = 32;

        private const int BlockLength = 64;

        private static readonly uint[] s_roundConstants = new uint[]
        {
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
            0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
            0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
            0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
            0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
            0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
            0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
        };

        private readonly uint[] _state = new uint[8];
        private readonly uint[] _schedule = new uint[64];
        private readonly byte[] _pending = new byte[BlockLength];
        private int _pendingLength;
        private long _totalLength;

        /// <summary>
        /// Creates a hash ready for input.
        /// </summary>
        public Sha256()
        {
            Reset();
        }

        /// <summary>
        /// Gets how many bytes have been appended since the last reset.
        /// </summary>
        public long Length
        {
            get { return _totalLength; }
        }

        /// <summary>
        /// Hashes a range of bytes in one call.
        /// </summary>
        /// <param name="data">The bytes.</param>
        /// <param name="offset">Where the range starts.</param>
        /// <param name="count">How many bytes to hash.</param>
        /// <returns>The 32-byte digest.</returns>
        public static byte[] Hash(byte[] data, int offset, int count)
        {
            Sha256 hash = new Sha256();
            hash.Append(data, offset, count);
            byte[] digest = new byte[HashLength];
            hash.Finish(digest, 0);
            return digest;
        }

        /// <summary>
        /// Starts a new message.
        /// </summary>
        public void Reset()
        {
            _state[0] = 0x6a09e667;
            _state[1] = 0xbb67ae85;
            _state[2] = 0x3c6ef372;
            _state[3] = 0xa54ff53a;
            _state[4] = 0x510e527f;
            _state[5] = 0x9b05688c;
            _state[6] = 0x1f83d9ab;
            _state[7] = 0x5be0cd19;
            _pendingLength = 0;
            _totalLength = 0;
        }

        /// <summary>
        /// Adds bytes to the message.
        /// </summary>
        /// <param name="data">The bytes.</param>
        /// <param name="offset">Where the range starts.</param>
        /// <param name="count">How many bytes to add.</param>
        public void Append(byte[] data, int offset, int count)
        {
            if (data == null)
            {
                throw new ArgumentNullException("data");
            }

            if (offset < 0 || count < 0 || offset > data.Length - count)
            {
                throw new ArgumentOutOfRangeException("count");
            }

            _totalLength += count;
            if (_pendingLength > 0)
            {
                int take = BlockLength - _pendingLength;
                if (take > count)
                {
                    take = count;
                }

                Array.Copy(data, offset, _pending, _pendingLength, take);
                _pendingLength += take;
                offset += take;
                count -= take;
                if (_pendingLength < BlockLength)
                {
                    return;
                }

                Compress(_pending, 0);
                _pendingLength = 0;
            }

            while (count >= BlockLength)
            {
                Compress(data, offset);
                offset += BlockLength;
                count -= BlockLength;
            }

            if (count > 0)
            {
                Array.Copy(data, offset, _pending, 0, count);
                _pendingLength = count;
            }
        }

        /// <summary>
        /// Completes the message, writes its digest and starts a new message.
        /// </summary>
        /// <param name="destination">Receives the 32-byte digest.</param>
        /// <param name="offset">Where in <paramref name="destination"/> the digest goes.</param>
        public void Finish(byte[] destination, int offset)
        {
            if (destination == null)
            {
                throw new ArgumentNullException("destination");
            }

            if (offset < 0 || offset > destination.Length - HashLength)
            {
                throw new ArgumentOutOfRangeException("offset");
            }

            long bitLength = _totalLength * 8;

            // The padding: a 1 bit, zeros up to 56 bytes into a block, then the length in bits.
            _pending[_pendingLength++] = 0x80;
            if (_pendingLength > BlockLength - 8)
            {
                Array.Clear(_pending, _pendingLength, BlockLength - _pendingLength);
                Compress(_pending, 0);
                _pendingLength = 0;
            }

            Array.Clear(_pending, _pendingLength, BlockLength - 8 - _pendingLength);
            for (int i = 0; i < 8; i++)
            {
                _pending[BlockLength - 1 - i] = (byte)(bitLength >> (8 * i));
            }

            Compress(_pending, 0);
            for (int i = 0; i < 8; i++)
            {
                uint word = _state[i];
                destination[offset + (4 * i)] = (byte)(word >> 24);
                destination[offset + (4 * i) + 1] = (byte)(word >> 16);
                destination[offset + (4 * i) + 2] = (byte)(word >> 8);
                destination[offset + (4 * i) + 3] = (byte)word;
            }

            Reset();
        }

        private void Compress(byte[] block, int offset)
        {
            uint[] w = _schedule;
            for (int i = 0; i < 16; i++)
            {
                int p = offset + (4 * i);
                w[i] = ((uint)block[p] << 24) | ((uint)block[p + 1] << 16) | ((uint)block[p + 2] << 8) | block[p + 3];
            }

            for (int i = 16; i < 64; i++)
            {
                uint x = w[i - 15];
                uint y = w[i - 2];
                uint sigma0 = ((x >> 7) | (x << 25)) ^ ((x >> 18) | (x << 14)) ^ (x >> 3);
                uint sigma1 = ((y >> 17) | (y << 15)) ^ ((y >> 19) | (y << 13)) ^ (y >> 10);
                w[i] = unchecked(w[i - 16] + sigma0 + w[i - 7] + sigma1);
            }

            uint a = _state[0];
            uint b = _state[1];
            uint c = _state[2];
            uint d = _state[3];
            uint e = _state[4];
            uint f = _state[5];
            uint g = _state[6];
            uint h = _state[7];

            for (int i = 0; i < 64; i++)
            {
                uint sum1 = ((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7));
                uint choice = (e & f) ^ (~e & g);
                uint t1 = unchecked(h + sum1 + choice + s_roundConstants[i] + w[i]);
                uint sum0 = ((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10));
                uint majority = (a & b) ^ (a & c) ^ (b & c);
                uint t2 = unchecked(sum0 + majority);
                h = g;
                g = f;
                f = e;
                e = unchecked(d + t1);
                d = c;
                c = b;
                b = a;
                a = unchecked(t1 + t2);
            }

            _state[0] = unchecked(_state[0] + a);
            _state[1] = unchecked(_state[1] + b);
            _state[2] = unchecked(_state[2] + c);
            _state[3] = unchecked(_state[3] + d);
            _state[4] = unchecked(_state[4] + e);
            _state[5] = unchecked(_state[5] + f);
            _state[6] = unchecked(_state[6] + g);
            _state[7] = unchecked(_state[7] + h);
        }
    }
}
