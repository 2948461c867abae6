using System;

namespace TftpNano.Security
{
    /// <summary>
    /// Arithmetic modulo one odd number, in Montgomery form, on little-endian 32-bit limbs.
    /// </summary>
    /// <remarks>
    /// Montgomery multiplication replaces the division of schoolbook modular reduction by shifts and
    /// multiplications, which is what makes a 2048-bit modular exponentiation affordable without a
    /// big-integer library. Every number handled here has exactly <see cref="LimbCount"/> limbs and is
    /// below the modulus.
    /// </remarks>
    internal sealed class MontgomeryModulus
    {
        private readonly uint[] _modulus;
        private readonly uint _inverse;
        private readonly uint[] _rSquared;
        private readonly uint[] _scratch;

        /// <summary>
        /// Prepares arithmetic modulo an odd number.
        /// </summary>
        /// <param name="modulus">The modulus, big-endian, odd, without leading zero bytes.</param>
        public MontgomeryModulus(byte[] modulus)
        {
            int limbs = (modulus.Length + 3) / 4;
            _modulus = FromBigEndian(modulus, 0, modulus.Length, limbs);
            if ((_modulus[0] & 1) == 0)
            {
                throw new ArgumentException("The modulus must be odd.", "modulus");
            }

            // -modulus^-1 mod 2^32 by Newton's iteration: each step doubles the number of correct bits.
            uint inverse = 1;
            for (int i = 0; i < 5; i++)
            {
                inverse = unchecked(inverse * (2 - (_modulus[0] * inverse)));
            }

            _inverse = unchecked(0 - inverse);
            _scratch = new uint[limbs + 2];

            _rSquared = ComputeRSquared();
        }

        /// <summary>
        /// Gets the number of 32-bit limbs of every number modulo this one.
        /// </summary>
        public int LimbCount
        {
            get { return _modulus.Length; }
        }

        /// <summary>
        /// Reads a big-endian number into limbs.
        /// </summary>
        /// <param name="bytes">The number's bytes.</param>
        /// <param name="offset">Where they start.</param>
        /// <param name="count">How many there are.</param>
        /// <param name="limbs">How many limbs to produce; the number must fit.</param>
        /// <returns>The limbs, least significant first.</returns>
        public static uint[] FromBigEndian(byte[] bytes, int offset, int count, int limbs)
        {
            uint[] result = new uint[limbs];
            for (int i = 0; i < count; i++)
            {
                int bit = 8 * i;
                result[bit / 32] |= (uint)bytes[offset + count - 1 - i] << (bit % 32);
            }

            return result;
        }

        /// <summary>
        /// Writes limbs as a big-endian number of a fixed length.
        /// </summary>
        /// <param name="limbs">The number, least significant limb first.</param>
        /// <param name="destination">Receives exactly <paramref name="count"/> bytes.</param>
        /// <param name="count">How many bytes to write; higher bytes of the number are dropped.</param>
        public static void ToBigEndian(uint[] limbs, byte[] destination, int count)
        {
            for (int i = 0; i < count; i++)
            {
                int bit = 8 * i;
                destination[count - 1 - i] = (byte)(limbs[bit / 32] >> (bit % 32));
            }
        }

        /// <summary>
        /// Tells whether a number is below the modulus.
        /// </summary>
        /// <param name="value">The number, with <see cref="LimbCount"/> limbs.</param>
        /// <returns>True when <paramref name="value"/> is less than the modulus.</returns>
        public bool IsBelowModulus(uint[] value)
        {
            return Compare(value, _modulus, value.Length) < 0;
        }

        /// <summary>
        /// Raises a number to the power 65537 (the RSA public exponent) modulo this modulus.
        /// </summary>
        /// <param name="value">The base, below the modulus.</param>
        /// <returns>value^65537 mod n.</returns>
        public uint[] PowerF4(uint[] value)
        {
            int limbs = _modulus.Length;
            uint[] montgomeryValue = new uint[limbs];
            Multiply(value, _rSquared, montgomeryValue);

            uint[] accumulator = new uint[limbs];
            Array.Copy(montgomeryValue, accumulator, limbs);
            for (int i = 0; i < 16; i++)
            {
                Multiply(accumulator, accumulator, accumulator);
            }

            Multiply(accumulator, montgomeryValue, accumulator);

            // Multiplying by plain 1 leaves Montgomery form.
            uint[] one = new uint[limbs];
            one[0] = 1;
            Multiply(accumulator, one, accumulator);
            return accumulator;
        }

        // a * b * R^-1 mod n (coarsely integrated operand scanning); result may alias a or b.
        private void Multiply(uint[] a, uint[] b, uint[] result)
        {
            uint[] n = _modulus;
            uint[] t = _scratch;
            int s = n.Length;
            Array.Clear(t, 0, t.Length);

            for (int i = 0; i < s; i++)
            {
                ulong carry = 0;
                ulong bi = b[i];
                for (int j = 0; j < s; j++)
                {
                    ulong sum = t[j] + (a[j] * bi) + carry;
                    t[j] = (uint)sum;
                    carry = sum >> 32;
                }

                ulong top = t[s] + carry;
                t[s] = (uint)top;
                t[s + 1] = (uint)(top >> 32);

                uint m = unchecked(t[0] * _inverse);
                ulong reduced = t[0] + ((ulong)m * n[0]);
                carry = reduced >> 32;
                for (int j = 1; j < s; j++)
                {
                    ulong sum = t[j] + ((ulong)m * n[j]) + carry;
                    t[j - 1] = (uint)sum;
                    carry = sum >> 32;
                }

                top = t[s] + carry;
                t[s - 1] = (uint)top;
                t[s] = t[s + 1] + (uint)(top >> 32);
            }

            // The product is below 2n here, so one subtraction brings it below n.
            if (t[s] != 0 || Compare(t, n, s) >= 0)
            {
                Subtract(t, n, s);
            }

            Array.Copy(t, result, s);
        }

        // R^2 mod n with R = 2^(32 * limbs): first R mod n by doubling the modulus's top bit up to R, then
        // square-and-double over the bits of 32 * limbs in Montgomery form, where R mod n stands for 1
        // and doubling multiplies by 2: the result stands for 2^(32 * limbs) = R, so it is R * R mod n.
        private uint[] ComputeRSquared()
        {
            int limbs = _modulus.Length;
            int topBit = (32 * limbs) - 1;
            while (((_modulus[topBit / 32] >> (topBit % 32)) & 1) == 0)
            {
                topBit--;
            }

            uint[] value = new uint[limbs];
            value[topBit / 32] = 1u << (topBit % 32);
            for (int i = topBit; i < 32 * limbs; i++)
            {
                DoubleModulo(value);
            }

            int exponent = 32 * limbs;
            int bit = 31;
            while (((exponent >> bit) & 1) == 0)
            {
                bit--;
            }

            for (; bit >= 0; bit--)
            {
                Multiply(value, value, value);
                if (((exponent >> bit) & 1) != 0)
                {
                    DoubleModulo(value);
                }
            }

            return value;
        }

        private void DoubleModulo(uint[] value)
        {
            int s = value.Length;
            uint carryOut = 0;
            for (int i = 0; i < s; i++)
            {
                uint limb = value[i];
                value[i] = (limb << 1) | carryOut;
                carryOut = limb >> 31;
            }

            if (carryOut != 0 || Compare(value, _modulus, s) >= 0)
            {
                Subtract(value, _modulus, s);
            }
        }

        private static int Compare(uint[] a, uint[] b, int limbs)
        {
            for (int i = limbs - 1; i >= 0; i--)
            {
                if (a[i] != b[i])
                {
                    return a[i] < b[i] ? -1 : 1;
                }
            }

            return 0;
        }

        // a -= b over the given limbs; a borrow out of the top limb is dropped on purpose (the caller
        // knows the true result is non-negative because of a carry it holds elsewhere).
        private static void Subtract(uint[] a, uint[] b, int limbs)
        {
            long borrow = 0;
            for (int i = 0; i < limbs; i++)
            {
                long difference = (long)a[i] - b[i] - borrow;
                a[i] = (uint)difference;
                borrow = difference < 0 ? 1 : 0;
            }
        }
    }
}
