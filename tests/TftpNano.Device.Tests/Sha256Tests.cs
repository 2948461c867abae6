using TftpNano.Security;
using TftpNano.Text;
using TftpNano.Update;
using nanoFramework.TestFramework;

namespace TftpNano.Device.Tests
{
    /// <summary>
    /// SHA-256 against the FIPS 180-4 examples and NIST's long-message vector.
    /// </summary>
    [TestClass]
    public class Sha256Tests
    {
        [TestMethod]
        public void EmptyMessage()
        {
            Assert.AreEqual("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", HashOf(""));
        }

        [TestMethod]
        public void OneBlockMessage()
        {
            Assert.AreEqual("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", HashOf("abc"));
        }

        [TestMethod]
        public void TwoBlockMessage()
        {
            Assert.AreEqual("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
                HashOf("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"));
        }

        [TestMethod]
        public void FourBlockMessage()
        {
            Assert.AreEqual("cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
                HashOf("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"));
        }

        [TestMethod]
        public void MillionLetterA()
        {
            byte[] chunk = new byte[1000];
            for (int i = 0; i < chunk.Length; i++)
            {
                chunk[i] = (byte)'a';
            }

            Sha256 hash = new Sha256();
            for (int i = 0; i < 1000; i++)
            {
                hash.Append(chunk, 0, chunk.Length);
            }

            byte[] digest = new byte[32];
            hash.Finish(digest, 0);
            Assert.AreEqual("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", Hex.Encode(digest));
        }

        [TestMethod]
        public void SplittingTheInputAnywhereGivesTheSameDigest()
        {
            byte[] message = TestBytes.Ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq-and-a-tail-past-one-block-0123456789");
            string whole = Hex.Encode(Sha256.Hash(message, 0, message.Length));
            Sha256 hash = new Sha256();
            byte[] digest = new byte[32];
            for (int split = 0; split <= message.Length; split++)
            {
                hash.Append(message, 0, split);
                hash.Append(message, split, message.Length - split);
                hash.Finish(digest, 0);
                Assert.AreEqual(whole, Hex.Encode(digest), "split at " + split.ToString());
            }
        }

        [TestMethod]
        public void PaddingBoundaries()
        {
            // 55, 56 and 64 bytes: the length field fits, just does not fit, and a full block before padding.
            Assert.AreEqual("9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318", HashOf(Repeat('a', 55)));
            Assert.AreEqual("b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a", HashOf(Repeat('a', 56)));
            Assert.AreEqual("ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb", HashOf(Repeat('a', 64)));
        }

        private static string HashOf(string text)
        {
            byte[] bytes = TestBytes.Ascii(text);
            return Hex.Encode(Sha256.Hash(bytes, 0, bytes.Length));
        }

        private static string Repeat(char c, int count)
        {
            return new string(c, count);
        }
    }
}
