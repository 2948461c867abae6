using System;
using TftpNano.Text;
using TftpNano.Update;
using TftpNano.Update.Manifest;
using nanoFramework.TestFramework;

namespace TftpNano.Device.Tests
{
    /// <summary>
    /// The manifest format: what it accepts, and each thing it refuses with the reason it gives.
    /// </summary>
    [TestClass]
    public class ReleaseManifestTests
    {
        private const string Digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

        [TestMethod]
        public void ParsesEveryField()
        {
            ReleaseManifest manifest = Parse("tftpnano-manifest 1\nversion 1.4.2\nentry Blinky.Program.Main\n"
                + "file Drivers.pe 10 " + Digest + "\nfile Blinky.pe 5120 " + Digest.ToUpper() + "\n");
            Assert.AreEqual("1.4.2", manifest.Version.ToString());
            Assert.AreEqual("Blinky.Program", manifest.EntryType);
            Assert.AreEqual("Main", manifest.EntryMethod);
            Assert.AreEqual(2, manifest.Files.Length);
            Assert.AreEqual("Drivers.pe", manifest.Files[0].Name);
            Assert.AreEqual(5130L, manifest.TotalSize());
            Assert.AreEqual(Digest, Hex.Encode(manifest.Files[1].Digest));
            Assert.IsNotNull(manifest.Find("blinky.PE"));
        }

        [TestMethod]
        public void ReadsAStagedRolloutAndBucketsAsTheHostToolDoes()
        {
            string text = "tftpnano-manifest 1\nversion 1.4.2\nentry A.B.C\nrollout 41\ndevices lab-2 canary.7\nfile a.pe 0 " + Digest + "\n";
            ReleaseManifest manifest = Parse(text);
            Assert.AreEqual(41, manifest.RolloutPercent);
            Assert.AreEqual(2, manifest.Devices.Length);
            Assert.AreEqual("canary.7", manifest.Devices[1]);
            Assert.AreEqual(text, new string(System.Text.Encoding.UTF8.GetChars(manifest.ToBytes())));

            // The vectors of the host's tests: `printf 'ID VERSION' | sha256sum`, 8 hex digits, modulo 100.
            Assert.AreEqual(40, StagedRollout.Bucket("lab-1", manifest.Version));
            Assert.AreEqual(62, StagedRollout.Bucket("dev-01", ReleaseVersion.TryParse("1.0.0")));
            Assert.AreEqual(85, StagedRollout.Bucket("240ac4123456", ReleaseVersion.TryParse("2.1")));
            Assert.IsTrue(StagedRollout.Includes(manifest, "lab-1"));
            Assert.IsTrue(StagedRollout.Includes(manifest, "canary.7"));
            Assert.IsFalse(StagedRollout.Includes(manifest, null));
            Assert.IsNotNull(StagedRollout.CheckDeviceId("a/b"));
        }

        [TestMethod]
        public void ReadsAndWritesTheAssembliesAReleaseNeeds()
        {
            string text = "tftpnano-manifest 1\nversion 1.0\nentry A.B.C\nneeds mscorlib 1.17\nneeds System.Device.Gpio 1.1\nfile a.pe 0 " + Digest + "\n";
            ReleaseManifest manifest = Parse(text);
            Assert.AreEqual(2, manifest.Needs.Length);
            Assert.AreEqual("System.Device.Gpio", manifest.Needs[1].Name);
            Assert.AreEqual(17, manifest.Needs[0].Minor);
            Assert.AreEqual(text, new string(System.Text.Encoding.UTF8.GetChars(manifest.ToBytes())));
            Assert.AreEqual(0, Parse("tftpnano-manifest 1\nversion 1\nentry A.B\nfile a 1 " + Digest + "\n").Needs.Length);

            Refused(UpdateFailure.InvalidManifest, "tftpnano-manifest 1\nversion 1\nentry A.B\nneeds mscorlib 1\nfile a 1 " + Digest + "\n");
            Refused(UpdateFailure.InvalidManifest, "tftpnano-manifest 1\nversion 1\nentry A.B\nneeds mscorlib 1.x\nfile a 1 " + Digest + "\n");
            Refused(UpdateFailure.InvalidManifest, "tftpnano-manifest 1\nversion 1\nentry A.B\nneeds ../x 1.0\nfile a 1 " + Digest + "\n");
            Refused(UpdateFailure.InvalidManifest, "tftpnano-manifest 1\nversion 1\nentry A.B\nneeds a 1.0\nneeds A 1.1\nfile a 1 " + Digest + "\n");
            Refused(UpdateFailure.InvalidManifest, "tftpnano-manifest 1\nversion 1\nentry A.B\nfile a 1 " + Digest + "\nneeds a 1.0\n");
        }

        [TestMethod]
        public void WritesTheCanonicalFormItReads()
        {
            ReleaseManifest manifest = Parse("tftpnano-manifest 1\r\nversion 2.0\r\nentry A.B.C\r\nfile a.pe 0 " + Digest + "\r\n");
            byte[] bytes = manifest.ToBytes();
            string text = new string(System.Text.Encoding.UTF8.GetChars(bytes));
            Assert.AreEqual("tftpnano-manifest 1\nversion 2.0\nentry A.B.C\nfile a.pe 0 " + Digest + "\n", text);
            Assert.AreEqual(text, new string(System.Text.Encoding.UTF8.GetChars(ReleaseManifest.Parse(bytes, bytes.Length).ToBytes())));
        }

        [TestMethod]
        public void RefusesAnUnknownFormat()
        {
            Refused(UpdateFailure.InvalidManifest, "tftpnano-manifest 2\nversion 1\nentry A.B\nfile a 1 " + Digest + "\n");
            Refused(UpdateFailure.InvalidManifest, "version 1\nentry A.B\nfile a 1 " + Digest + "\n");
        }

        [TestMethod]
        public void RefusesUnknownOrRepeatedLines()
        {
            Refused(UpdateFailure.InvalidManifest, Valid("reboot now\n"));
            Refused(UpdateFailure.InvalidManifest, Valid("version 3\n"));
            Refused(UpdateFailure.InvalidManifest, Valid("entry X.Y\n"));
            Refused(UpdateFailure.InvalidManifest, Valid("\n\n"));
            Refused(UpdateFailure.InvalidManifest, Valid("file  b 1 " + Digest + "\n"));
        }

        [TestMethod]
        public void RefusesBadValues()
        {
            Refused(UpdateFailure.InvalidManifest, Manifest("1.x", "A.B", "a 1 " + Digest));
            Refused(UpdateFailure.InvalidManifest, Manifest("1.2.3.4.5", "A.B", "a 1 " + Digest));
            Refused(UpdateFailure.InvalidManifest, Manifest("1", "Main", "a 1 " + Digest));
            Refused(UpdateFailure.InvalidManifest, Manifest("1", "A.B(", "a 1 " + Digest));
            Refused(UpdateFailure.InvalidManifest, Manifest("1", "A.B", "a -1 " + Digest));
            Refused(UpdateFailure.InvalidManifest, Manifest("1", "A.B", "a 1x " + Digest));
            Refused(UpdateFailure.InvalidManifest, Manifest("1", "A.B", "a 1 " + Digest.Substring(2)));
            Refused(UpdateFailure.InvalidManifest, Manifest("1", "A.B", "a 1 " + Digest.Substring(2) + "zz"));
        }

        [TestMethod]
        public void RefusesFileNamesThatCouldEscapeTheReleaseFolder()
        {
            Refused(UpdateFailure.InvalidFileName, Manifest("1", "A.B", "../boot.pe 1 " + Digest));
            Refused(UpdateFailure.InvalidFileName, Manifest("1", "A.B", "lib/a.pe 1 " + Digest));
            Refused(UpdateFailure.InvalidFileName, Manifest("1", "A.B", "lib\\a.pe 1 " + Digest));
            Refused(UpdateFailure.InvalidFileName, Manifest("1", "A.B", "I:a.pe 1 " + Digest));
            Refused(UpdateFailure.InvalidFileName, Manifest("1", "A.B", "a..pe 1 " + Digest));
            Refused(UpdateFailure.InvalidFileName, Manifest("1", "A.B", "a.bin. 1 " + Digest));
            Refused(UpdateFailure.InvalidFileName, Manifest("1", "A.B", ".. 1 " + Digest));
            Refused(UpdateFailure.InvalidFileName, Manifest("1", "A.B", "a*.pe 1 " + Digest));
            Refused(UpdateFailure.InvalidFileName, Manifest("1", "A.B", "Manifest 1 " + Digest));
            Refused(UpdateFailure.InvalidFileName, Manifest("1", "A.B", "manifest.SIG 1 " + Digest));
            Refused(UpdateFailure.InvalidFileName, Manifest("1", "A.B", new string('n', 65) + " 1 " + Digest));
            Refused(UpdateFailure.InvalidFileName, Manifest("1", "A.B", "a.pe 1 " + Digest + "\nfile A.PE 2 " + Digest));
        }

        [TestMethod]
        public void RefusesNonAsciiBytes()
        {
            byte[] bytes = TestBytes.Ascii(Manifest("1", "A.B", "caf? 1 " + Digest));
            bytes[IndexOf(bytes, (byte)'?')] = 0xC3;
            RefusedBytes(UpdateFailure.InvalidManifest, bytes);
            byte[] nul = TestBytes.Ascii(Manifest("1", "A.B", "a 1 " + Digest));
            nul[nul.Length - 1] = 0;
            RefusedBytes(UpdateFailure.InvalidManifest, nul);
        }

        [TestMethod]
        public void RefusesTooManyFiles()
        {
            string files = "f0 1 " + Digest;
            for (int i = 1; i <= ReleaseManifest.MaxFiles; i++)
            {
                files += "\nfile f" + i.ToString() + " 1 " + Digest;
            }

            Refused(UpdateFailure.TooManyFiles, Manifest("1", "A.B", files));
        }

        [TestMethod]
        public void RefusesAnOversizedManifest()
        {
            byte[] bytes = new byte[ReleaseManifest.MaxLength + 1];
            RefusedBytes(UpdateFailure.ManifestTooLarge, bytes);
        }

        [TestMethod]
        public void RefusesAReleaseWithoutFiles()
        {
            Refused(UpdateFailure.InvalidManifest, "tftpnano-manifest 1\nversion 1\nentry A.B\n");
            Refused(UpdateFailure.InvalidManifest, "");
        }

        [TestMethod]
        public void VersionsCompareAsNumbers()
        {
            Assert.IsTrue(Version("1.10").CompareTo(Version("1.9")) > 0);
            Assert.IsTrue(Version("1.9").CompareTo(Version("1.10")) < 0);
            Assert.AreEqual(0, Version("2").CompareTo(Version("2.0.0")));
            Assert.IsTrue(Version("2.0.0.1").CompareTo(Version("2")) > 0);
            Assert.IsNull(ReleaseVersion.TryParse("1..2"));
            Assert.IsNull(ReleaseVersion.TryParse("v1"));
            Assert.IsNull(ReleaseVersion.TryParse("1234567890"));
            Assert.IsNull(ReleaseVersion.TryParse(""));
        }

        [TestMethod]
        public void AManifestNamesItsChannelBeforeItsVersion()
        {
            string text = "tftpnano-manifest 1\nchannel fw/stable\nversion 1\nentry A.B\nfile a 1 " + Digest + "\n";
            ReleaseManifest manifest = Parse(text);
            Assert.AreEqual("fw/stable", manifest.Channel);
            Assert.AreEqual(text, new string(System.Text.Encoding.UTF8.GetChars(manifest.ToBytes())));
            Assert.AreEqual(string.Empty, Parse(Valid(string.Empty)).Channel, "no line: the server's root");

            string[] refused = new string[] { "/fw", "fw/", "fw//beta", "fw/../x", "fw\\beta" };
            for (int i = 0; i < refused.Length; i++)
            {
                Refused(UpdateFailure.InvalidManifest, "tftpnano-manifest 1\nchannel " + refused[i] + "\nversion 1\nentry A.B\nfile a 1 " + Digest + "\n");
            }

            Refused(UpdateFailure.InvalidManifest, "tftpnano-manifest 1\nchannel a\nchannel b\nversion 1\nentry A.B\nfile a 1 " + Digest + "\n");
            Refused(UpdateFailure.InvalidManifest, Valid("channel a\n"));
        }

        [TestMethod]
        public void TheLargestManifestTheLimitsAllowFitsItsLengthAndIsRead()
        {
            // Every line at its longest: what the documented limit must hold, and the device read.
            string name = new string('n', ReleaseManifest.MaxNameLength - 7);
            string text = "tftpnano-manifest 1\nchannel " + new string('c', 128) + "\nversion 999999999.999999999.999999999.999999999\nentry "
                + new string('e', ReleaseManifest.MaxEntryLength - 2) + ".M\n";
            for (int i = 0; i < ReleaseManifest.MaxNeeds; i++)
            {
                text += "needs " + name + (1000000 + i).ToString() + " 65535.65535\n";
            }

            for (int i = 0; i < ReleaseManifest.MaxFiles; i++)
            {
                text += "file " + name + (1000000 + i).ToString() + " 999999999999 hmac-sha256-4k:" + Digest + "\n";
            }

            byte[] bytes = TestBytes.Ascii(text);
            Assert.AreEqual(8212, bytes.Length, "the largest manifest the limits allow");
            Assert.IsTrue(bytes.Length <= ReleaseManifest.MaxLength, bytes.Length.ToString() + " bytes");
            ReleaseManifest manifest = ReleaseManifest.Parse(bytes, bytes.Length);
            Assert.AreEqual(ReleaseManifest.MaxFiles, manifest.Files.Length);
            Assert.AreEqual(ReleaseManifest.MaxEntryLength, (manifest.EntryType + "." + manifest.EntryMethod).Length);
        }

        [TestMethod]
        public void AnEntryOrALineOverItsCapIsRefusedBeforeItIsReadFurther()
        {
            string entry = new string('e', ReleaseManifest.MaxEntryLength - 1) + ".M";
            Refused(UpdateFailure.InvalidManifest, Manifest("1", entry, "a 1 " + Digest));

            string huge = new string('e', 6000) + ".Main";
            try
            {
                Parse(Manifest("1", huge, "a 1 " + Digest));
                throw new Exception("a 6000-character entry was accepted");
            }
            catch (UpdateException e)
            {
                Assert.AreEqual((int)UpdateFailure.InvalidManifest, (int)e.Failure);
                Assert.AreEqual("Manifest line 3 is longer than 256 characters.", e.Message);
            }

            Assert.ThrowsException(typeof(UpdateException), delegate { ReleaseManifest.Create("1.0", entry, new ReleaseFile[0]); });
        }

        private static ReleaseVersion Version(string text)
        {
            ReleaseVersion version = ReleaseVersion.TryParse(text);
            Assert.IsNotNull(version, text);
            return version;
        }

        private static string Valid(string extra)
        {
            return "tftpnano-manifest 1\nversion 1\nentry A.B\nfile a 1 " + Digest + "\n" + extra;
        }

        private static string Manifest(string version, string entry, string files)
        {
            return "tftpnano-manifest 1\nversion " + version + "\nentry " + entry + "\nfile " + files + "\n";
        }

        private static ReleaseManifest Parse(string text)
        {
            byte[] bytes = TestBytes.Ascii(text);
            return ReleaseManifest.Parse(bytes, bytes.Length);
        }

        private static void Refused(UpdateFailure expected, string text)
        {
            RefusedBytes(expected, TestBytes.Ascii(text));
        }

        private static void RefusedBytes(UpdateFailure expected, byte[] bytes)
        {
            try
            {
                ReleaseManifest.Parse(bytes, bytes.Length);
            }
            catch (UpdateException e)
            {
                Assert.AreEqual((int)expected, (int)e.Failure, e.Message);
                Assert.IsTrue(e.Message.Length > 10, "a reason is given");
                return;
            }

            throw new Exception("Accepted: " + new string(System.Text.Encoding.UTF8.GetChars(bytes)));
        }

        private static int IndexOf(byte[] bytes, byte value)
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] == value)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
