namespace TftpNano.Boot.Board
{
    /// <summary>
    /// The pin functions the boot app can route before it mounts the storage, by the names of
    /// <c>nanoFramework.Hardware.Esp32.DeviceFunction</c>, with that enum's values.
    /// </summary>
    /// <remarks>
    /// The MetadataProcessor leaves the names of enum members out of a <c>.pe</c>, so a device cannot
    /// look a <c>DeviceFunction</c> up by name: the settings' names are mapped here, in portable code that
    /// the settings parser checks on the host and on the device alike. A value is
    /// <c>(peripheral &lt;&lt; 16) | (bus &lt;&lt; 8) | line</c>, as nanoFramework.Hardware.Esp32 1.6.40 declares
    /// it; a host test compares every entry with the enum in that assembly. Only what storage needs is
    /// listed: SPI and SDMMC lines for the card, I2C lines for a power controller.
    /// </remarks>
    internal static class Esp32DeviceFunctions
    {
        private const int Spi = 0x010000;
        private const int I2c = 0x020000;
        private const int Sdmmc = 0x080000;
        private const int Bus1 = 0x100;
        private const int Bus2 = 0x200;

        private static readonly string[] s_names = new string[]
        {
            "SPI1_MOSI", "SPI1_MISO", "SPI1_CLOCK",
            "SPI2_MOSI", "SPI2_MISO", "SPI2_CLOCK",
            "I2C1_DATA", "I2C1_CLOCK",
            "I2C2_DATA", "I2C2_CLOCK",
            "SDMMC1_CLOCK", "SDMMC1_COMMAND", "SDMMC1_D0", "SDMMC1_D1", "SDMMC1_D2", "SDMMC1_D3",
            "SDMMC2_CLOCK", "SDMMC2_COMMAND", "SDMMC2_D0", "SDMMC2_D1", "SDMMC2_D2", "SDMMC2_D3",
        };

        private static readonly int[] s_values = new int[]
        {
            Spi | Bus1 | 0, Spi | Bus1 | 1, Spi | Bus1 | 2,
            Spi | Bus2 | 0, Spi | Bus2 | 1, Spi | Bus2 | 2,
            I2c | Bus1 | 0, I2c | Bus1 | 1,
            I2c | Bus2 | 0, I2c | Bus2 | 1,
            Sdmmc | Bus1 | 0, Sdmmc | Bus1 | 1, Sdmmc | Bus1 | 2, Sdmmc | Bus1 | 3, Sdmmc | Bus1 | 4, Sdmmc | Bus1 | 5,
            Sdmmc | Bus2 | 0, Sdmmc | Bus2 | 1, Sdmmc | Bus2 | 2, Sdmmc | Bus2 | 3, Sdmmc | Bus2 | 4, Sdmmc | Bus2 | 5,
        };

        /// <summary>
        /// Gets every name the settings may use, in the order of the enum.
        /// </summary>
        /// <returns>A new array of the names.</returns>
        public static string[] Names()
        {
            return (string[])s_names.Clone();
        }

        /// <summary>
        /// Looks up the <c>DeviceFunction</c> value of a name.
        /// </summary>
        /// <param name="name">A name such as <c>SDMMC1_CLOCK</c>, exactly as the enum spells it.</param>
        /// <returns>The value, or -1 when the boot app does not route that function.</returns>
        public static int ValueOf(string name)
        {
            for (int i = 0; i < s_names.Length; i++)
            {
                if (s_names[i] == name)
                {
                    return s_values[i];
                }
            }

            return -1;
        }
    }
}
