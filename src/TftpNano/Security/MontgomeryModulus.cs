using System;

namespace TftpNano.Security
{
    /// <summary>
    /// Arithmetic modulo one odd number, in Montgomery form, on little-endian limbs of 27 or 28 bits
    /// held in 64-bit words.
    /// </summary>
    /// <remarks>
    /// Montgomery multiplication replaces the division of schoolbook modular reduction by shifts and
    /// multiplications, which is what makes a 2048-bit modular exponentiation affordable without a
    /// big-integer library. Every number handled here has as many limbs as the modulus and is below it.
    /// </remarks>
    internal sealed class MontgomeryModulus
    {
        // A squaring costs about one doubling per this many limbs, by their IL counts in nanoCLR (a
        // doubling is about 47 IL instructions a limb, a squaring about 25 a limb squared).
        private const int DoublingsPerSquaringLimb = 2;

        private readonly int _limbBits;
        private readonly ulong _limbMask;
        private readonly ulong[] _modulus;
        private readonly ulong _inverse;
        private readonly ulong[] _rSquared;

        // The multiples of the modulus that one multiplication adds, one per limb: the "m" of the
        // Montgomery reduction.
        private readonly ulong[] _quotient;

        // Twice the number being squared.
        private readonly ulong[] _doubled;

        /// <summary>
        /// Prepares arithmetic modulo an odd number.
        /// </summary>
        /// <param name="modulus">The modulus, big-endian, odd, without leading zero bytes.</param>
        public MontgomeryModulus(byte[] modulus)
        {
            // Limbs narrower than a word let a whole column of a product (up to 2 * limbs products of
            // two limbs, plus the carry from the column below) add up in one 64-bit accumulator:
            // 2 * limbs * 2^(2 * bits) must stay within 2^64. No carry is propagated inside a column,
            // which is what an interpreter pays for most. 28 bits suit moduli up to 3584 bits.
            int limbBits = 28;
            while (2 * LimbsFor(modulus.Length, limbBits) > (1 << (64 - (2 * limbBits))))
            {
                limbBits--;
            }

            _limbBits = limbBits;
            _limbMask = (1UL << limbBits) - 1;
            int limbs = LimbsFor(modulus.Length, limbBits);
            _modulus = new ulong[limbs];
            FromBigEndian(modulus, 0, modulus.Length, _modulus);
            if ((_modulus[0] & 1) == 0)
            {
                throw new ArgumentException("The modulus must be odd.", "modulus");
            }

            // -modulus^-1 mod 2^limbBits by Newton's iteration: each step doubles the number of correct
            // bits, 1 to 32 in five.
            ulong inverse = 1;
            for (int i = 0; i < 5; i++)
            {
                inverse = unchecked(inverse * (2 - (_modulus[0] * inverse)));
            }

            _inverse = unchecked(0 - inverse) & _limbMask;
            _quotient = new ulong[limbs];
            _doubled = new ulong[limbs];
            _rSquared = ComputeRSquared();
        }

        /// <summary>
        /// Reads a big-endian number below 2^(8 * modulus length) into a new number of this modulus's limbs.
        /// </summary>
        /// <param name="bytes">The number's bytes.</param>
        /// <param name="offset">Where they start.</param>
        /// <param name="count">How many there are; at most the modulus's length in bytes.</param>
        /// <returns>The limbs, least significant first.</returns>
        public ulong[] FromBigEndian(byte[] bytes, int offset, int count)
        {
            ulong[] result = new ulong[_modulus.Length];
            FromBigEndian(bytes, offset, count, result);
            return result;
        }

        /// <summary>
        /// Writes a number as big-endian bytes of a fixed length.
        /// </summary>
        /// <param name="limbs">The number, least significant limb first.</param>
        /// <param name="destination">Receives exactly <paramref name="count"/> bytes.</param>
        /// <param name="count">How many bytes to write; higher bits of the number are dropped.</param>
        public void ToBigEndian(ulong[] limbs, byte[] destination, int count)
        {
            int width = _limbBits;
            for (int i = 0; i < count; i++)
            {
                int bit = 8 * i;
                int limb = bit / width;
                int shift = bit % width;
                ulong value = limbs[limb] >> shift;
                if (shift + 8 > width && limb + 1 < limbs.Length)
                {
                    value |= limbs[limb + 1] << (width - shift);
                }

                destination[count - 1 - i] = (byte)value;
            }
        }

        /// <summary>
        /// Tells whether a number is below the modulus.
        /// </summary>
        /// <param name="value">The number, in this modulus's limbs.</param>
        /// <returns>True when <paramref name="value"/> is less than the modulus.</returns>
        public bool IsBelowModulus(ulong[] value)
        {
            return Compare(value, _modulus) < 0;
        }

        /// <summary>
        /// Raises a number to the power 65537 (the RSA public exponent) modulo this modulus.
        /// </summary>
        /// <param name="value">The base, below the modulus; left unchanged.</param>
        /// <returns>value^65537 mod n.</returns>
        public ulong[] PowerF4(ulong[] value)
        {
            // Into Montgomery form (value * R), 16 squarings to value^65536 * R, and a last
            // multiplication by the plain value, whose factor R^-1 also takes the result out of
            // Montgomery form: 18 multiplications in all.
            ulong[] accumulator = new ulong[_modulus.Length];
            Multiply(value, _rSquared, accumulator);
            for (int i = 0; i < 16; i++)
            {
                Square(accumulator, accumulator);
            }

            Multiply(accumulator, value, accumulator);
            return accumulator;
        }

        // The limbs a number of this many bytes needs.
        private static int LimbsFor(int bytes, int limbBits)
        {
            return ((8 * bytes) + limbBits - 1) / limbBits;
        }

        private void FromBigEndian(byte[] bytes, int offset, int count, ulong[] result)
        {
            int width = _limbBits;
            ulong mask = _limbMask;
            for (int i = 0; i < count; i++)
            {
                ulong value = bytes[offset + count - 1 - i];
                int bit = 8 * i;
                int limb = bit / width;
                int shift = bit % width;
                result[limb] |= (value << shift) & mask;
                if (shift + 8 > width)
                {
                    result[limb + 1] |= value >> (width - shift);
                }
            }
        }

        // a * b * R^-1 mod n by product scanning with the reduction interleaved (Koc, Acar and Kaliski
        // 1996, "FIPS"): column k of the product gathers a[i] * b[k - i] and m[i] * n[k - i] in one
        // accumulator; in the lower half m[k] is chosen to clear the column's low limb, in the upper
        // half the column's low limb is limb k - s of the result. The inner loop is two multiply-adds
        // into a local and nothing else: no carry and no store. The result may be a or b: limb k - s
        // is written only after the last column that reads limb k - s of a or b.
        private void Multiply(ulong[] a, ulong[] b, ulong[] result)
        {
            ulong[] n = _modulus;
            ulong[] m = _quotient;
            int s = n.Length;
            ulong column = 0;
            for (int k = 0; k < (2 * s) - 1; k++)
            {
                int i = k < s ? 0 : k - s + 1;
                int j = k - i;
                int end = k < s ? k : s;
                for (; i < end; i++, j--)
                {
                    column += (a[i] * b[j]) + (m[i] * n[j]);
                }

                if (k < s)
                {
                    column += a[k] * b[0];
                }

                column = CloseColumn(k, column, result);
            }

            Finish(result, column);
        }

        // a * a * R^-1 mod n, as Multiply, with the two products a[i] * a[j] and a[j] * a[i] of a
        // column taken once from a doubled copy of a: a column is half pairs of three multiply-adds
        // and half single ones, against pairs of four in Multiply. The single ones are unrolled two at
        // a time, which halves their loop control.
        private void Square(ulong[] a, ulong[] result)
        {
            ulong[] n = _modulus;
            ulong[] m = _quotient;
            ulong[] doubled = _doubled;
            int s = n.Length;
            for (int i = 0; i < s; i++)
            {
                doubled[i] = a[i] << 1;
            }

            ulong column = 0;
            for (int k = 0; k < (2 * s) - 1; k++)
            {
                int i = k < s ? 0 : k - s + 1;
                int j = k - i;
                for (; i < j; i++, j--)
                {
                    column += (doubled[i] * a[j]) + (m[i] * n[j]);
                }

                if (i == j)
                {
                    column += a[i] * a[i];
                }

                // The reduction's products up to m[k - 1] (below the modulus's top limb in the upper half).
                int end = k < s ? k : s;
                for (; i < end - 1; i += 2, j -= 2)
                {
                    column += (m[i] * n[j]) + (m[i + 1] * n[j - 1]);
                }

                if (i < end)
                {
                    column += m[i] * n[j];
                }

                column = CloseColumn(k, column, result);
            }

            Finish(result, column);
        }

        // Ends column k of a product and returns the carry into the next: in the lower half m[k] is
        // chosen so that the column's low limb is zero (the reduction), in the upper half the low limb
        // is limb k - s of the result.
        private ulong CloseColumn(int k, ulong column, ulong[] result)
        {
            int s = _modulus.Length;
            if (k < s)
            {
                ulong quotient = ((column & _limbMask) * _inverse) & _limbMask;
                _quotient[k] = quotient;
                return (column + (quotient * _modulus[0])) >> _limbBits;
            }

            result[k - s] = column & _limbMask;
            return column >> _limbBits;
        }

        // Stores the top limb and what is left above it; the product is below 2n, so one subtraction
        // brings it below n (a carry above the top limb is what that subtraction borrows).
        private void Finish(ulong[] result, ulong column)
        {
            result[result.Length - 1] = column & _limbMask;
            if ((column >> _limbBits) != 0 || Compare(result, _modulus) >= 0)
            {
                Subtract(result, _modulus);
            }
        }

        // R^2 mod n with R = 2^(limbBits * limbs). In Montgomery form R mod n stands for 1 and a value
        // standing for 2^e is 2^e * R mod n; doubling it makes it stand for 2^(e + 1), squaring it for
        // 2^(2e). R^2 mod n stands for 2^log2(R), so it is reached from R mod n by walking the bits of
        // log2(R) from the top: its leading bits as one run of doublings, then a squaring per further
        // bit and a doubling per further one bit. A doubling is one pass over the limbs, a squaring
        // about one per limb, so the leading run is the one that costs least in all (for 3072 bits:
        // 97 doublings and 5 squarings, where square-and-multiply would take 12 squarings).
        private ulong[] ComputeRSquared()
        {
            int limbs = _modulus.Length;
            int exponent = _limbBits * limbs;
            int exponentBits = 0;
            while ((exponent >> exponentBits) != 0)
            {
                exponentBits++;
            }

            int squarings = 0;
            long cheapest = long.MaxValue;
            for (int q = 0; q < exponentBits; q++)
            {
                long cost = (exponent >> q) + OneBits(exponent & ((1 << q) - 1)) + (q * limbs / DoublingsPerSquaringLimb);
                if (cost < cheapest)
                {
                    cheapest = cost;
                    squarings = q;
                }
            }

            // 2^topBit is below the modulus; doubling it up to 2^exponent gives R mod n.
            int topBit = exponent - 1;
            while (((_modulus[topBit / _limbBits] >> (topBit % _limbBits)) & 1) == 0)
            {
                topBit--;
            }

            ulong[] value = new ulong[limbs];
            value[topBit / _limbBits] = 1UL << (topBit % _limbBits);
            int doublings = (exponent - topBit) + (exponent >> squarings);
            for (int i = 0; i < doublings; i++)
            {
                DoubleModulo(value);
            }

            for (int bit = squarings - 1; bit >= 0; bit--)
            {
                Square(value, value);
                if (((exponent >> bit) & 1) != 0)
                {
                    DoubleModulo(value);
                }
            }

            return value;
        }

        private static int OneBits(int value)
        {
            int count = 0;
            for (; value != 0; value >>= 1)
            {
                count += value & 1;
            }

            return count;
        }

        private void DoubleModulo(ulong[] value)
        {
            int s = value.Length;
            int topShift = _limbBits - 1;
            ulong mask = _limbMask;
            ulong carry = 0;
            for (int i = 0; i < s; i++)
            {
                ulong limb = value[i];
                value[i] = ((limb << 1) | carry) & mask;
                carry = limb >> topShift;
            }

            if (carry != 0 || Compare(value, _modulus) >= 0)
            {
                Subtract(value, _modulus);
            }
        }

        private static int Compare(ulong[] a, ulong[] b)
        {
            for (int i = a.Length - 1; i >= 0; i--)
            {
                if (a[i] != b[i])
                {
                    return a[i] < b[i] ? -1 : 1;
                }
            }

            return 0;
        }

        // a -= b; a borrow out of the top limb is dropped on purpose (the caller knows the true result
        // is non-negative because of a carry it holds elsewhere).
        private void Subtract(ulong[] a, ulong[] b)
        {
            ulong mask = _limbMask;
            ulong borrow = 0;
            for (int i = 0; i < a.Length; i++)
            {
                ulong difference = unchecked(a[i] - b[i] - borrow);
                a[i] = difference & mask;
                borrow = difference >> 63;
            }
        }
    }
}
