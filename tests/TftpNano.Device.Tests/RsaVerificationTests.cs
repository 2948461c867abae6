using nanoFramework.TestFramework;
using TftpNano.Security;

namespace TftpNano.Device.Tests
{
    /// <summary>
    /// RSASSA-PKCS1-v1_5 verification with SHA-256 against Project Wycheproof's vectors
    /// (testvectors/rsa_signature_2048_sha256_test.json, the 2048-bit key, test case numbers below).
    /// </summary>
    [TestClass]
    public class RsaVerificationTests
    {
        private const string Modulus =
            "a2b451a07d0aa5f96e455671513550514a8a5b462ebef717094fa1fee82224e637f9746d3f7cafd31878d80325b6ef5a1700f65903b469429e89d6eac8845097"
            + "b5ab393189db92512ed8a7711a1253facd20f79c15e8247f3d3e42e46e48c98e254a2fe9765313a03eff8f17e1a029397a1fa26a8dce26f490ed81299615d981"
            + "4c22da610428e09c7d9658594266f5c021d0fceca08d945a12be82de4d1ece6b4c03145b5d3495d4ed5411eb878daf05fd7afc3e09ada0f1126422f590975a19"
            + "69816f48698bcbba1b4d9cae79d460d8f9f85e7975005d9bc22c4e5ac0f7c1a45d12569a62807d3b9a02e5a530e773066f453d1f5b4c2e9cf7820283f742b9d5";

        /// <summary>
        /// The test key in the form the settings file takes.
        /// </summary>
        public static string ModulusBase64
        {
            get { return new RsaPublicKey(TestBytes.FromHex(Modulus)).ToString(); }
        }

        [TestMethod]
        public void ValidSignatureOfTheEmptyMessage()
        {
            // tcId 1
            Assert.IsTrue(Verify("",
                "840f5dac53106dd1f9c57219224cf51289290c42f20466875ba8e830ac5690e541536fcc8ab03b731f82bf66d83f194e7e180b3963ec7a2f3f7904a7ce49aed4"
                + "7da4d4b79421eaf937d301b3e696169297b797c32c076a12be4de0b58e003c5123051a84a10c62f8dac2f42a8640008eb3c7cccd6760ff5b51b6897639225828"
                + "45f048fb8150e5a7a6ca2eccc7bdc85349ad5b26c52137a79fa3fe5c29ab5cd7615013219c1941b6708e9c3c23feff5febaf0c8ebca5750b54e3e6e99a3e876b"
                + "396f27860b7f3ec4e9191703c6332d944f6f69751167680c79c4f6b57f1cc8755d24b6ec158ccdbacdb23107a33cb6b332516c13274d1f9dccc21dced869e486"));
        }

        [TestMethod]
        public void ValidSignatureOfTest()
        {
            // tcId 3
            Assert.IsTrue(Verify("54657374",
                "264491e844c119f14e425c03282139a558dcdaeb82a4628173cd407fd319f9076eaebc0dd87a1c22e4d17839096886d58a9d5b7f7aeb63efec56c45ac7bead42"
                + "03b6886e1faa90e028ec0ae094d46bf3f97efdd19045cfbc25a1abda2432639f9876405c0d68f8edbf047c12a454f7681d5d5a2b54bd3723d193dbad4338baad"
                + "753264006e2d08931c4b8bb79aa1c9cad10eb6605f87c5831f6e2b08e002f9c6f21141f5841d92727dd3e1d99c36bc560da3c9067df99fcaf818941f72588be3"
                + "3032bad22caf6704223bb114d575b6d02d9d222b580005d930e8f40cce9f672eebb634a20177d84351627964b83f2053d736a84ab1a005f63bd5ba943de6205c"));
        }

        [TestMethod]
        public void ValidSignatureOfMessage()
        {
            // tcId 5
            Assert.IsTrue(Verify("4d657373616765", MessageSignature));
        }

        [TestMethod]
        public void SignatureOfAnotherMessageFails()
        {
            Assert.IsFalse(Verify("4d657373616766", MessageSignature));
        }

        [TestMethod]
        public void EveryFlippedBitFails()
        {
            RsaPublicKey key = new RsaPublicKey(TestBytes.FromHex(Modulus));
            byte[] message = TestBytes.FromHex("4d657373616765");
            byte[] digest = Sha256.Hash(message, 0, message.Length);
            byte[] signature = TestBytes.FromHex(MessageSignature);
            for (int i = 0; i < signature.Length; i += 37)
            {
                signature[i] ^= 0x10;
                Assert.IsFalse(key.VerifySha256(digest, signature), "bit flipped in byte " + i.ToString());
                signature[i] ^= 0x10;
            }

            Assert.IsTrue(key.VerifySha256(digest, signature));
        }

        [TestMethod]
        public void LegacyEncodingWithoutNullParametersIsRefused()
        {
            // tcId 8: "acceptable" to Wycheproof; an exact re-encoding refuses it, and no signer this project
            // supports produces it.
            Assert.IsFalse(Verify("313233343030",
                "095dad1fd82bcd36652a381b7f4dd656bd89b40aa58b56da4f6aa8247874b935e65d2b86752d537df7103884d39dd9ad3d65f87404526b09094c5615c6249979"
                + "b0dc58d2199ae8696a5b76b4bb03eaf08c2ab6aec686c6b1b289c9b44f648bd30cb1ac6a64a73d68e59cd05e7aa1b780f4bfd7b83dfe3b884ec11821a93dc5bb"
                + "b47a00eea4557b6b96b5656276001f1f295ddbbbc511a99b9a665b9c2674c8af0d812286d0be3ce74817ba2cad283757de35dfb149f2835f60cb03ff155524a5"
                + "7f78b148feceb84cd20b0ae22e3e48f433fbd9bfd60be8afec93165ee0310be961d3695f309d031320c830aa6ba08b5a51d943797097c57630be391bd23736cc"));
        }

        [TestMethod]
        public void LongFormLengthIsRefused()
        {
            // tcId 9
            Assert.IsFalse(Verify("313233343030",
                "8a0e82d4f334aca72a718b6f8f643f69c6048d619d5eba71263a5d2d3ac7a7af133b780c7595ca2c982c006e861948f543cd0210c758691f9626842c25de2843"
                + "ea314ca8eff285d47e0cffa54180af416004017034962a80a5959c3d3f1bfc154a4824462a93c014f6dfe920824f414a6e30e0e5944d480b99949ec7bf64c4a7"
                + "461575933b17d7d6b0178b5192392ace3ed8469e8ac1dacae51ad5d3ad73dcb213e056d04596e64d8c0703def3110c7cecc93ba8ac8059f0f3d66b89d8712c62"
                + "b41d407e4b4a104f4569558b0290c213cad6d0653898b9df8f4a453ab07d13bfb7598d505abbd0c4987e4f1ac66e1a523e113e370ab7cf990f0cc63f50f4f0a4"));
        }

        [TestMethod]
        public void WrongSequenceLengthIsRefused()
        {
            // tcId 13
            Assert.IsFalse(Verify("313233343030",
                "9947c137ebf7013ea9e41f1ce93fd29022e340e6ade56c1119cd826430acf9833bbc1ed05c1899757a79d3104c9b4133ff0aef7e1cbeaafc2ada2422bdf9e299"
                + "26626527f947124d5549d9f4fddb809f84923aa335d331c392a5ae5e29cb0f503e230ce7bff114206d5dfd51b812f9ed5448d9100125a8cc2324e560c69f4a49"
                + "2988045c97ab90a2806df900c3b95ab95bd634dd0a50edc5312eeef6463bc4b62e54261cc67e9cb9caa9a0a7550183c9e03f26bd5c8718dd77f54290b3a27a05"
                + "4d7d3e39e8cb45529d585ac0e507b8688219d2b8032268020b68d2284f9f743debab5cd47fb3fbd77fdfe3a9d7984b11a37cce190ac89a472578a3332b150f5d"));
        }

        [TestMethod]
        public void SignaturesOfTheWrongLengthOrOutOfRangeFail()
        {
            RsaPublicKey key = new RsaPublicKey(TestBytes.FromHex(Modulus));
            byte[] digest = Sha256.Hash(new byte[0], 0, 0);
            Assert.IsFalse(key.VerifySha256(digest, new byte[255]));
            Assert.IsFalse(key.VerifySha256(digest, new byte[257]));
            Assert.IsFalse(key.VerifySha256(digest, TestBytes.FromHex(Modulus)), "a signature equal to the modulus");
            byte[] ones = new byte[256];
            for (int i = 0; i < ones.Length; i++)
            {
                ones[i] = 0xFF;
            }

            Assert.IsFalse(key.VerifySha256(digest, ones), "a signature above the modulus");
        }

        [TestMethod]
        public void WeakOrMalformedKeysAreRefused()
        {
            Assert.ThrowsException(typeof(System.ArgumentException), delegate { new RsaPublicKey(new byte[128]); });
            byte[] even = TestBytes.FromHex(Modulus);
            even[even.Length - 1] &= 0xFE;
            Assert.ThrowsException(typeof(System.ArgumentException), delegate { new RsaPublicKey(even); });
            byte[] short2047 = TestBytes.FromHex(Modulus);
            short2047[0] = 0x7F;
            Assert.ThrowsException(typeof(System.ArgumentException), delegate { new RsaPublicKey(short2047); });
            Assert.ThrowsException(typeof(System.ArgumentException), delegate { RsaPublicKey.Parse("not base64!"); });
        }

        [TestMethod]
        public void TheTextFormRoundTrips()
        {
            RsaPublicKey key = new RsaPublicKey(TestBytes.FromHex("00" + Modulus));
            Assert.AreEqual(256, key.ModulusLength);
            RsaPublicKey again = RsaPublicKey.Parse(" " + key.ToString() + "\n");
            Assert.AreEqual(key.ToString(), again.ToString());
            Assert.IsTrue(Verify("4d657373616765", MessageSignature));
        }

        [TestMethod]
        public void TheTextFormIsStrictBase64OnEveryRuntime()
        {
            // nanoFramework's Convert.FromBase64String throws System.Exception where desktop .NET throws
            // FormatException, and both accept white space inside: each malformed form must give the same
            // ArgumentException on a device as on the host.
            string text = ModulusBase64;
            Assert.AreEqual(344, text.Length);
            Assert.IsTrue(text.EndsWith("=="), "256 bytes end in two padding characters");
            Assert.AreEqual(text, RsaPublicKey.Parse(text).ToString());

            string[] malformed = new string[]
            {
                "",
                "not base64!",
                text.Substring(0, 100) + " " + text.Substring(100),
                text.Substring(0, 100) + "\n" + text.Substring(100),
                text.Substring(0, 342),
                text.Substring(0, 343),
                text.Substring(0, 100) + "-" + text.Substring(101),
                text.Substring(0, 100) + "_" + text.Substring(101),
                text.Substring(0, 100) + "=" + text.Substring(101),
                text.Substring(0, 341) + NextSextet(text[341]) + "==",
                text.Substring(0, 340) + "====",
            };
            for (int i = 0; i < malformed.Length; i++)
            {
                string key = malformed[i];
                Assert.ThrowsException(typeof(System.ArgumentException), delegate { RsaPublicKey.Parse(key); }, "malformed form " + i.ToString());
            }
        }

        // The next character of the base64 alphabet: it differs from c in its lowest bit, which the last
        // character of a two-'=' group leaves as padding, so it must be zero.
        private static string NextSextet(char c)
        {
            const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            return Alphabet[Alphabet.IndexOf(c) ^ 1].ToString();
        }

        private const string MessageSignature =
            "513a5abde16b5e0ecb8659d3ca0845800adf75cfc4437d42fa34e7aafbbe35fc5984d3560cba938f9a622e932bb6162b7fbb6cd8c1cf8815f28c495995ac18cd"
            + "be8fabfdce29c17aa021df192ac02d080d7c5eda6bd4c99154178a9d5e1cf3ff4177106315f4e6d74c991b601069acd60b55b3bb4dbf6316c35096a487d67561"
            + "81d3394944f1c742a2f4d608ce4f6abbfb72347ad7d342ae15dd6d1049fbd0ff55f4d7c43ab805f81ff1fbe9256b5c78c2de6beb787f4b6d66d290a3d4c48573"
            + "68aea5f7ebaa1296020c8f9e3670441a08038bb810e853a654e44316a4e52428745123ce2714020d00e55a9eb82f7fb41c73d852a82b003670246c6ca2045fc8";

        private static bool Verify(string messageHex, string signatureHex)
        {
            RsaPublicKey key = new RsaPublicKey(TestBytes.FromHex(Modulus));
            byte[] message = messageHex.Length == 0 ? new byte[0] : TestBytes.FromHex(messageHex);
            return key.VerifySha256(Sha256.Hash(message, 0, message.Length), TestBytes.FromHex(signatureHex));
        }
    }
}
