using System.Numerics;
using System.Security.Cryptography;
using TftpNano.Security;

namespace TftpNano.Tests.Security;

/// <summary>
/// The portable SHA-256 and RSA verification agree with System.Security.Cryptography on random inputs,
/// and refuse signatures whose encoded block is anything but the exact expected one.
/// </summary>
public class CryptoCrossCheckTests
{
    [Fact]
    public void Sha256MatchesTheHostOnRandomInputsFedInRandomPieces()
    {
        var random = new Random(1234);
        for (int round = 0; round < 300; round++)
        {
            byte[] data = new byte[random.Next(0, round < 200 ? 300 : 20_000)];
            random.NextBytes(data);
            var hash = new Sha256();
            int offset = 0;
            while (offset < data.Length)
            {
                int piece = Math.Min(random.Next(0, 150), data.Length - offset);
                hash.Append(data, offset, piece);
                offset += piece;
            }

            byte[] digest = new byte[32];
            hash.Finish(digest, 0);
            Assert.Equal(SHA256.HashData(data), digest);
        }
    }

    [Theory]
    [InlineData(2048)]
    [InlineData(2056)]
    [InlineData(3072)]
    [InlineData(4096)]
    public void VerifiesWhatTheHostSignsAndNothingElse(int bits)
    {
        using RSA rsa = RSA.Create(bits);
        var key = new RsaPublicKey(rsa.ExportParameters(false).Modulus!);
        Assert.Equal((bits + 7) / 8, key.ModulusLength);
        var random = new Random(bits);
        for (int i = 0; i < 8; i++)
        {
            byte[] message = new byte[random.Next(0, 3000)];
            random.NextBytes(message);
            byte[] signature = rsa.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            byte[] digest = SHA256.HashData(message);
            Assert.True(key.VerifySha256(digest, signature), $"{bits}-bit signature {i}");

            byte[] otherDigest = (byte[])digest.Clone();
            otherDigest[random.Next(32)] ^= (byte)(1 << random.Next(8));
            Assert.False(key.VerifySha256(otherDigest, signature));

            byte[] otherSignature = (byte[])signature.Clone();
            otherSignature[random.Next(otherSignature.Length)] ^= (byte)(1 << random.Next(8));
            Assert.Equal(rsa.VerifyData(message, otherSignature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                key.VerifySha256(digest, otherSignature));
        }
    }

    [Fact]
    public void AnotherKeysSignatureFails()
    {
        using RSA signer = RSA.Create(2048);
        using RSA other = RSA.Create(2048);
        byte[] message = "release 2.0"u8.ToArray();
        byte[] signature = signer.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Assert.False(new RsaPublicKey(other.ExportParameters(false).Modulus!).VerifySha256(SHA256.HashData(message), signature));
    }

    // Blocks a parsing verifier might accept. Each is raised to the private exponent, so the public
    // operation recovers it exactly; only the genuine encoding may verify.
    public static TheoryData<string> MalformedBlocks => new()
    {
        "genuine", "block type 2", "zero padding", "short padding with trailing garbage", "missing NULL",
        "SHA-512 identifier", "digest not at the end", "no zero separator",
    };

    [Theory]
    [MemberData(nameof(MalformedBlocks))]
    public void OnlyTheExactEncodingVerifies(string variant)
    {
        using RSA rsa = RSA.Create(2048);
        RSAParameters p = rsa.ExportParameters(true);
        byte[] digest = SHA256.HashData("manifest"u8);
        byte[] block = Encode(variant, digest, p.Modulus!.Length);
        var n = new BigInteger(p.Modulus, isUnsigned: true, isBigEndian: true);
        var d = new BigInteger(p.D!, isUnsigned: true, isBigEndian: true);
        byte[] raw = BigInteger.ModPow(new BigInteger(block, isUnsigned: true, isBigEndian: true), d, n).ToByteArray(isUnsigned: true, isBigEndian: true);
        byte[] signature = new byte[p.Modulus.Length];
        raw.CopyTo(signature, signature.Length - raw.Length);

        bool verified = new RsaPublicKey(p.Modulus).VerifySha256(digest, signature);
        Assert.Equal(variant == "genuine", verified);
        Assert.Equal(rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), verified);
    }

    private static byte[] Encode(string variant, byte[] digest, int length)
    {
        byte[] sha256Info = Convert.FromHexString("3031300d060960864801650304020105000420");
        byte[] info = variant switch
        {
            "missing NULL" => Convert.FromHexString("302f300b0609608648016503040201" + "0420"),
            "SHA-512 identifier" => Convert.FromHexString("3031300d060960864801650304020305000420"),
            _ => sha256Info,
        };
        byte[] tail = variant == "short padding with trailing garbage"
            ? [.. info, .. digest, .. new byte[40]]
            : variant == "digest not at the end" ? [.. info, .. digest, 0x00] : [.. info, .. digest];
        byte[] block = new byte[length];
        block[1] = (byte)(variant == "block type 2" ? 0x02 : 0x01);
        int separator = length - tail.Length - 1;
        for (int i = 2; i < separator; i++)
        {
            block[i] = variant == "zero padding" ? (byte)0x00 : (byte)0xFF;
        }

        block[separator] = variant == "no zero separator" ? (byte)0xFF : (byte)0x00;
        tail.CopyTo(block, separator + 1);
        return block;
    }
}
