using TftpNano.Update;
using TftpNano.Update.Storage;
using nanoFramework.TestFramework;

namespace TftpNano.Device.Tests
{
    /// <summary>
    /// The install record survives a round trip and is never half believed.
    /// </summary>
    [TestClass]
    public class InstallStateTests
    {
        [TestMethod]
        public void RoundTrips()
        {
            InstallState state = Sample();
            byte[] bytes = state.ToBytes();
            InstallState read = InstallState.TryParse(bytes, bytes.Length);
            Assert.IsNotNull(read);
            Assert.AreEqual(41L, read.Sequence);
            Assert.AreEqual("r41", read.Active);
            Assert.AreEqual("r37", read.Previous);
            Assert.IsFalse(read.Confirmed);
            Assert.AreEqual(2, read.Boots);
            Assert.AreEqual("3.1", read.Rejected);
            Assert.AreEqual("00ff", read.TooLarge);

            InstallState empty = new InstallState();
            bytes = empty.ToBytes();
            read = InstallState.TryParse(bytes, bytes.Length);
            Assert.IsNull(read.Active);
            Assert.IsNull(read.Previous);
            Assert.IsNull(read.Rejected);
            Assert.IsNull(read.TooLarge);
        }

        [TestMethod]
        public void ARecordWithoutTheTooLargeLineIsRead()
        {
            // What boot apps before it wrote, and what this one writes while nothing was too large.
            InstallState state = Sample();
            state.TooLarge = null;
            byte[] bytes = state.ToBytes();
            Assert.AreEqual(-1, System.Text.Encoding.UTF8.GetString(bytes, 0, bytes.Length).IndexOf("too-large"));
            InstallState read = InstallState.TryParse(bytes, bytes.Length);
            Assert.IsNotNull(read);
            Assert.AreEqual("3.1", read.Rejected);
            Assert.IsNull(read.TooLarge);
        }

        [TestMethod]
        public void EveryTruncationIsRefused()
        {
            byte[] bytes = Sample().ToBytes();
            for (int length = 0; length < bytes.Length; length++)
            {
                Assert.IsNull(InstallState.TryParse(bytes, length), "torn at " + length.ToString());
            }
        }

        [TestMethod]
        public void EveryChangedByteIsRefused()
        {
            byte[] bytes = Sample().ToBytes();
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] ^= 0x01;
                Assert.IsNull(InstallState.TryParse(bytes, bytes.Length), "byte " + i.ToString() + " changed");
                bytes[i] ^= 0x01;
            }

            Assert.IsNotNull(InstallState.TryParse(bytes, bytes.Length));
        }

        private static InstallState Sample()
        {
            InstallState state = new InstallState();
            state.Sequence = 41;
            state.Active = "r41";
            state.Previous = "r37";
            state.Confirmed = false;
            state.Boots = 2;
            state.Rejected = "3.1";
            state.TooLarge = "00ff";
            return state;
        }
    }
}
