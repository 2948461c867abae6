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
            _scratch = new uint[limbs + 1];

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

        // a * b * R^-1 mod n, by coarsely integrated operand scanning with the multiplication and the
        // reduction fused into one inner loop; result may alias a or b. Written for an interpreter,
        // where every IL instruction costs about the same: arrays and values in locals, one pass over
        // the limbs per limb of b, and the reduction's first column (whose low word is zero by the
        // choice of m) taken out of the loop.
        private void Multiply(uint[] a, uint[] b, uint[] result)
        {
            uint[] n = _modulus;
            uint[] t = _scratch;
            uint inverse = _inverse;
            int s = n.Length;
            Array.Clear(t, 0, t.Length);

            for (int i = 0; i < s; i++)
            {
                ulong bi = b[i];
                ulong product = (a[0] * bi) + t[0];
                ulong m = unchecked((uint)product * inverse);
                ulong reduced = (m * n[0]) + (uint)product;
                ulong productCarry = product >> 32;
                ulong reducedCarry = reduced >> 32;
                for (int j = 1; j < s; j++)
                {
                    product = (a[j] * bi) + t[j] + productCarry;
                    reduced = (m * n[j]) + (uint)product + reducedCarry;
                    t[j - 1] = (uint)reduced;
                    productCarry = product >> 32;
                    reducedCarry = reduced >> 32;
                }

                product = t[s] + productCarry;
                reduced = (uint)product + reducedCarry;
                t[s - 1] = (uint)reduced;
                t[s] = (uint)((product >> 32) + (reduced >> 32));
            }

            // The product is below 2n here, so one subtraction brings it below n.
            if (t[s] != 0 || Compare(t, n, s) >= 0)
            {
                Subtract(t, n, s);
            }

            Array.Copy(t, result, s);
        }

        // R^2 mod n with R = 2^(32 * limbs). In Montgomery form R mod n stands for 1; doubling a value
        // doubles what it stands for, and squaring it (Multiply) squares that. So doubling R mod n D
        // times and squaring the result Q times gives a value that stands for 2^(D * 2^Q); with
        // D * 2^Q = 32 * limbs it stands for R, which makes it R * R mod n. A doubling costs about 16
        // IL instructions a limb, a squaring about 50 a limb squared, so the split between the two
        // is picked for the size: for 3072 bits, 384 doublings and 3 squarings instead of the 11
        // squarings of square-and-multiply, a third of the instructions.
        private uint[] ComputeRSquared()
        {
            int limbs = _modulus.Length;
            int topBit = (32 * limbs) - 1;
            while (((_modulus[topBit / 32] >> (topBit % 32)) & 1) == 0)
            {
                topBit--;
            }

            int exponent = 32 * limbs;
            int squarings = 0;
            long cheapest = exponent;
            for (int q = 1; exponent % (1 << q) == 0; q++)
            {
                long cost = (exponent >> q) + ((long)q * 3 * limbs);
                if (cost < cheapest)
                {
                    cheapest = cost;
                    squarings = q;
                }
            }

            // 2^topBit is below the modulus; doubling it up to 2^(32 * limbs) gives R mod n.
            uint[] value = new uint[limbs];
            value[topBit / 32] = 1u << (topBit % 32);
            int doublings = (exponent - topBit) + (exponent >> squarings);
            for (int i = 0; i < doublings; i++)
            {
                DoubleModulo(value);
            }

            for (int i = 0; i < squarings; i++)
            {
                Multiply(value, value, value);
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
