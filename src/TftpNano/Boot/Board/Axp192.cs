namespace TftpNano.Boot.Board
{
    /// <summary>
    /// Powers the SD card of a board whose card hangs on an AXP192 power manager's LDO2 (M5Stack Core2).
    /// </summary>
    /// <remarks>
    /// LDO2 feeds the card (and the display) and is off until software turns it on, so a card on such a
    /// board does not answer until this has run. nanoFramework's own board library does the same at start:
    /// LDO2 to 3.3 V, then on (nanoFramework.M5Stack, M5StackCommon/Core2ToughCommon.cs, through the
    /// Axp192 binding of nanoFramework.IoT.Device, devices/Axp192/Axp192.cs). Both writes keep the bits of
    /// the other outputs that share their register.
    /// </remarks>
    internal static class Axp192
    {
        /// <summary>
        /// The chip's I2C address.
        /// </summary>
        public const int Address = 0x34;

        /// <summary>
        /// The I2C bus it is on: the Core2's internal bus (SDA GPIO21, SCL GPIO22), routed as I2C1.
        /// </summary>
        public const int Bus = 1;

        // LDO2 in the high nibble, LDO3 in the low one: 1.8 V plus 0.1 V per step.
        private const byte LdoVoltageRegister = 0x28;

        // One bit per output; bit 2 is LDO2.
        private const byte OutputControlRegister = 0x12;

        private const int Ldo2Step3V3 = 15;
        private const int Ldo2Enable = 1 << 2;

        /// <summary>
        /// Sets LDO2 to 3.3 V and turns it on.
        /// </summary>
        /// <param name="chip">The AXP192's registers.</param>
        public static void PowerCard(IRegisterBus chip)
        {
            chip.Write(LdoVoltageRegister, (byte)((chip.Read(LdoVoltageRegister) & 0x0F) | (Ldo2Step3V3 << 4)));
            chip.Write(OutputControlRegister, (byte)(chip.Read(OutputControlRegister) | Ldo2Enable));
        }
    }
}
