using System;

namespace TftpNano.Security
{
    /// <summary>
    /// An RSA public key with exponent 65537, and verification of RSASSA-PKCS1-v1_5 signatures over
    /// SHA-256 digests (RFC 8017 section 8.2.2).
    /// </summary>
    /// <remarks>
    /// Verification recomputes the encoded message the signer must have produced and compares all of
    /// its bytes; it never parses the padding it receives, which is how parsing verifiers have let
    /// forged signatures through (Bleichenbacher 2006).
    /// </remarks>
    public sealed class RsaPublicKey
    {
        /// <summary>
        /// The smallest modulus accepted, in bits.
        /// </summary>
        public const int MinimumBits = 2048;

        /// <summary>
        /// The largest modulus accepted, in bits; it bounds the work and memory of one verification.
        /// </summary>
        public const int MaximumBits = 4096;

        // DER of DigestInfo { AlgorithmIdentifier { id-sha256, NULL }, OCTET STRING (32 bytes) } up to
        // the digest itself (RFC 8017 section 9.2, note 1).
        private static readonly byte[] s_sha256DigestInfoPrefix = new byte[]
        {
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
        };

        private readonly byte[] _modulus;

        // Built on first use: its set-up costs about as much as a verification, and a device that finds
        // itself up to date never verifies anything.
        private MontgomeryModulus _arithmetic;

        /// <summary>
        /// Creates a key from its modulus.
        /// </summary>
        /// <param name="modulus">The modulus, big-endian; leading zero bytes are ignored.</param>
        /// <exception cref="ArgumentException">The modulus is even, or shorter than 2048 or longer than 4096 bits.</exception>
        public RsaPublicKey(byte[] modulus)
        {
            if (modulus == null)
            {
                throw new ArgumentNullException("modulus");
            }

            int start = 0;
            while (start < modulus.Length && modulus[start] == 0)
            {
                start++;
            }

            int length = modulus.Length - start;
            if (length * 8 < MinimumBits || length * 8 > MaximumBits || (length * 8 == MinimumBits && (modulus[start] & 0x80) == 0))
            {
                throw new ArgumentException("An RSA modulus must have 2048 to 4096 bits.", "modulus");
            }

            if ((modulus[modulus.Length - 1] & 1) == 0)
            {
                throw new ArgumentException("An RSA modulus is odd.", "modulus");
            }

            _modulus = new byte[length];
            Array.Copy(modulus, start, _modulus, 0, length);
        }

        /// <summary>
        /// Gets the length of the modulus, and so of every signature, in bytes.
        /// </summary>
        public int ModulusLength
        {
            get { return _modulus.Length; }
        }

        /// <summary>
        /// Reads a key in the text form the device configuration holds: the modulus, big-endian, in base64.
        /// </summary>
        /// <param name="text">The base64 text; surrounding white space is ignored.</param>
        /// <returns>The key.</returns>
        /// <exception cref="ArgumentException">The text is not base64 or not a usable modulus.</exception>
        public static RsaPublicKey Parse(string text)
        {
            if (text == null)
            {
                throw new ArgumentNullException("text");
            }

            byte[] modulus = Base64.Decode(text.Trim());
            if (modulus == null)
            {
                throw new ArgumentException("The public key is not base64 text.", "text");
            }

            return new RsaPublicKey(modulus);
        }

        /// <summary>
        /// Returns the key in the form <see cref="Parse"/> reads.
        /// </summary>
        /// <returns>The modulus in base64.</returns>
        public override string ToString()
        {
            return Convert.ToBase64String(_modulus);
        }

        /// <summary>
        /// Verifies a signature over a SHA-256 digest.
        /// </summary>
        /// <param name="digest">The 32-byte SHA-256 digest of the signed message.</param>
        /// <param name="signature">The signature, exactly <see cref="ModulusLength"/> bytes.</param>
        /// <returns>True only when the signature is valid for this key and digest.</returns>
        public bool VerifySha256(byte[] digest, byte[] signature)
        {
            if (digest == null || digest.Length != Sha256.HashLength)
            {
                throw new ArgumentException("A SHA-256 digest has 32 bytes.", "digest");
            }

            if (signature == null || signature.Length != _modulus.Length)
            {
                return false;
            }

            if (_arithmetic == null)
            {
                _arithmetic = new MontgomeryModulus(_modulus);
            }

            ulong[] signatureValue = _arithmetic.FromBigEndian(signature, 0, signature.Length);
            if (!_arithmetic.IsBelowModulus(signatureValue))
            {
                return false;
            }

            byte[] recovered = new byte[_modulus.Length];
            _arithmetic.ToBigEndian(_arithmetic.PowerF4(signatureValue), recovered, recovered.Length);

            byte[] expected = EncodeSha256(digest, _modulus.Length);
            int difference = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                difference |= expected[i] ^ recovered[i];
            }

            return difference == 0;
        }

        // EMSA-PKCS1-v1_5: 0x00 0x01 0xFF..0xFF 0x00 DigestInfo.
        private static byte[] EncodeSha256(byte[] digest, int length)
        {
            byte[] encoded = new byte[length];
            int digestInfoStart = length - s_sha256DigestInfoPrefix.Length - digest.Length;
            encoded[1] = 0x01;
            for (int i = 2; i < digestInfoStart - 1; i++)
            {
                encoded[i] = 0xFF;
            }

            Array.Copy(s_sha256DigestInfoPrefix, 0, encoded, digestInfoStart, s_sha256DigestInfoPrefix.Length);
            Array.Copy(digest, 0, encoded, length - digest.Length, digest.Length);
            return encoded;
        }
    }
}
