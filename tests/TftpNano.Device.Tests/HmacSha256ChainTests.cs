using System.Security.Cryptography;
using TftpNano.Security;
using TftpNano.Text;
using TftpNano.Update;
using TftpNano.Update.Manifest;
using nanoFramework.TestFramework;

namespace TftpNano.Device.Tests
{
    /// <summary>
    /// The file digest of chained HMAC-SHA256: the native HMAC and the managed fallback against RFC 4231,
    /// and the chain against vectors computed independently (Python's hmac module).
    /// </summary>
    [TestClass]
    public class HmacSha256ChainTests
    {
        // RFC 4231, test case 2.
        private const string Rfc4231Case2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

        [TestMethod]
        public void TheNativeAndTheManagedHmacAgreeWithRfc4231()
        {
            byte[] key = TestBytes.Ascii("Jefe");
            byte[] message = TestBytes.Ascii("what do ya want for nothing?");

            Assert.AreEqual(Rfc4231Case2, Hex.Encode(HmacSha256Chain.ManagedMac(key, message)));
            Assert.AreEqual(Rfc4231Case2, Hex.Encode(HMACSHA256.HashData(TestBytes.Ascii("Jefe"), message)));
        }

        [TestMethod]
        public void TheChainMatchesIndependentVectorsAtEveryChunkBoundary()
        {
            AssertChain(0, "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
            AssertChain(1, "a6d76548fe8ed070bb909d99999aab3123ea3de416a2d58bcefb8f867962bb86");
            AssertChain(4096, "385aa084eae178da61b2c1cf97bb93d912d22af95823972a4fcb1ae6d99c82be");
            AssertChain(4097, "6fa7a021c0f1c0a823d9dc1ef055573ed7299a342e21597f22997751794864a0");
            AssertChain(10000, "92a8fb0a45342764a3692f2e1920f010a5aaf8ac9f6aff47b9d3bc0b88799c7a");
        }

        [TestMethod]
        public void FeedingInTransferBlocksGivesTheSameDigest()
        {
            byte[] data = Pattern(10000);
            HmacSha256Chain chain = new HmacSha256Chain();
            for (int offset = 0; offset < data.Length; offset += 1468)
            {
                chain.Append(data, offset, data.Length - offset < 1468 ? data.Length - offset : 1468);
            }

            byte[] digest = new byte[32];
            chain.Finish(digest, 0);
            Assert.AreEqual("92a8fb0a45342764a3692f2e1920f010a5aaf8ac9f6aff47b9d3bc0b88799c7a", Hex.Encode(digest));
        }

        [TestMethod]
        public void AManifestNamesTheDigestOfEachFile()
        {
            ReleaseFile[] files = new ReleaseFile[]
            {
                new ReleaseFile("a.pe", 1, DigestKind.Sha256, new byte[32]),
                new ReleaseFile("b.pe", 1, DigestKind.HmacSha256Chain, new byte[32]),
            };
            byte[] bytes = ReleaseManifest.Create("1.0", "A.B.C", files).ToBytes();
            ReleaseManifest parsed = ReleaseManifest.Parse(bytes, bytes.Length);

            Assert.AreEqual((int)DigestKind.Sha256, (int)parsed.Files[0].Kind);
            Assert.AreEqual((int)DigestKind.HmacSha256Chain, (int)parsed.Files[1].Kind);
            Assert.IsFalse(parsed.Files[0].HasSameContent(new ReleaseFile("a.pe", 1, DigestKind.HmacSha256Chain, new byte[32])),
                "the same bytes under another kind of digest are not the same content");
        }

        private static void AssertChain(int length, string expected)
        {
            byte[] data = Pattern(length);
            Assert.AreEqual(expected, Hex.Encode(HmacSha256Chain.Hash(data, 0, data.Length)), length.ToString() + " bytes");
        }

        private static byte[] Pattern(int length)
        {
            byte[] data = new byte[length];
            for (int i = 0; i < length; i++)
            {
                data[i] = (byte)((i * 7) + 3);
            }

            return data;
        }
    }
}
