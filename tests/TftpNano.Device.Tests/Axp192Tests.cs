using TftpNano.Boot;
using TftpNano.Boot.Board;
using nanoFramework.TestFramework;

namespace TftpNano.Device.Tests
{
    /// <summary>
    /// The AXP192 power-up of an M5Stack Core2's SD card: LDO2 to 3.3 V, then on, with every other
    /// output's bits kept as the chip had them.
    /// </summary>
    [TestClass]
    public class Axp192Tests
    {
        [TestMethod]
        public void SetsLdo2To3V3ThenTurnsItOnKeepingTheOtherOutputs()
        {
            // As a running Core2 might hold them: LDO3 at 3.0 V (step 12) with LDO2 at 1.8 V, and
            // DC-DC1, DC-DC3 and LDO3 on (bits 0, 1 and 3) with LDO2 off.
            RecordingChip chip = new RecordingChip();
            chip.Registers[0x28] = 0x0C;
            chip.Registers[0x12] = 0x0B;

            Axp192.PowerCard(chip);

            Assert.AreEqual("read 28, write 28=FC, read 12, write 12=0F", chip.Log);
            Assert.AreEqual((byte)0xFC, chip.Registers[0x28]);
            Assert.AreEqual((byte)0x0F, chip.Registers[0x12]);
        }

        [TestMethod]
        public void PoweringTwiceChangesNothingMore()
        {
            RecordingChip chip = new RecordingChip();
            Axp192.PowerCard(chip);
            Axp192.PowerCard(chip);
            Assert.AreEqual((byte)0xF0, chip.Registers[0x28]);
            Assert.AreEqual((byte)0x04, chip.Registers[0x12]);
        }

        private sealed class RecordingChip : IRegisterBus
        {
            public readonly byte[] Registers = new byte[256];

            public string Log = string.Empty;

            public byte Read(byte register)
            {
                Append("read " + register.ToString("X2"));
                return Registers[register];
            }

            public void Write(byte register, byte value)
            {
                Append("write " + register.ToString("X2") + "=" + value.ToString("X2"));
                Registers[register] = value;
            }

            private void Append(string entry)
            {
                Log = Log.Length == 0 ? entry : Log + ", " + entry;
            }
        }
    }
}
