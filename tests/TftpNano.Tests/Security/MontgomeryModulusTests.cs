using System.Numerics;
using TftpNano.Security;

namespace TftpNano.Tests.Security;

/// <summary>
/// The arithmetic under RSA verification against <see cref="BigInteger"/>: x^65537 mod n for moduli on
/// both sides of the limb-width switch, for bases at the edges of the range and at random.
/// </summary>
public sealed class MontgomeryModulusTests
{
    // 3584 bits is the largest size of 28-bit limbs (128 of them); 3592 takes 27-bit limbs.
    [Theory]
    [InlineData(2048)]
    [InlineData(2056)]
    [InlineData(3072)]
    [InlineData(3584)]
    [InlineData(3592)]
    [InlineData(4096)]
    public void PowerF4MatchesBigInteger(int bits)
    {
        var random = new Random(bits);
        foreach (BigInteger n in Moduli(bits, random))
        {
            byte[] modulus = ToBytes(n, bits / 8);
            var arithmetic = new MontgomeryModulus(modulus);
            foreach (BigInteger x in Bases(n, bits, random))
            {
                ulong[] value = arithmetic.FromBigEndian(ToBytes(x, modulus.Length), 0, modulus.Length);
                Assert.True(arithmetic.IsBelowModulus(value));
                byte[] result = new byte[modulus.Length];
                arithmetic.ToBigEndian(arithmetic.PowerF4(value), result, result.Length);
                Assert.Equal(ToBytes(BigInteger.ModPow(x, 65537, n), modulus.Length), result);
            }
        }
    }

    [Fact]
    public void ReadsAndWritesBytesUnchanged()
    {
        var random = new Random(5);
        foreach (int bits in new[] { 2048, 3072, 3592, 4096 })
        {
            byte[] modulus = ToBytes(Moduli(bits, random).First(), bits / 8);
            var arithmetic = new MontgomeryModulus(modulus);
            byte[] bytes = new byte[modulus.Length];
            random.NextBytes(bytes);
            byte[] back = new byte[bytes.Length];
            arithmetic.ToBigEndian(arithmetic.FromBigEndian(bytes, 0, bytes.Length), back, back.Length);
            Assert.Equal(bytes, back);
        }
    }

    [Fact]
    public void TheModulusItselfIsNotBelowIt()
    {
        byte[] modulus = ToBytes(Moduli(3072, new Random(1)).First(), 384);
        var arithmetic = new MontgomeryModulus(modulus);
        Assert.False(arithmetic.IsBelowModulus(arithmetic.FromBigEndian(modulus, 0, modulus.Length)));
    }

    // Random odd moduli with the top bit set, and the extremes: all ones, and the top bit plus one.
    private static IEnumerable<BigInteger> Moduli(int bits, Random random)
    {
        BigInteger top = BigInteger.One << (bits - 1);
        yield return (top << 1) - 1;
        yield return top + 1;
        for (int i = 0; i < 3; i++)
        {
            byte[] bytes = new byte[bits / 8];
            random.NextBytes(bytes);
            bytes[0] |= 0x80;
            bytes[^1] |= 1;
            yield return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        }
    }

    private static IEnumerable<BigInteger> Bases(BigInteger n, int bits, Random random)
    {
        yield return BigInteger.Zero;
        yield return BigInteger.One;
        yield return 2;
        yield return n - 1;
        yield return n - 2;
        for (int i = 0; i < 4; i++)
        {
            byte[] bytes = new byte[bits / 8];
            random.NextBytes(bytes);
            yield return new BigInteger(bytes, isUnsigned: true, isBigEndian: true) % n;
        }
    }

    private static byte[] ToBytes(BigInteger value, int length)
    {
        byte[] raw = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        byte[] result = new byte[length];
        raw.CopyTo(result, length - raw.Length);
        return result;
    }
}
