namespace TftpNano.Boot
{
    /// <summary>
    /// One ESP32 pin and the peripheral function to route to it before the storage is mounted.
    /// </summary>
    public sealed class PinFunction
    {
        /// <summary>
        /// Creates an assignment.
        /// </summary>
        /// <param name="pin">The GPIO number.</param>
        /// <param name="function">The name of a <c>nanoFramework.Hardware.Esp32.DeviceFunction</c> member, for example <c>SDMMC1_CLOCK</c>.</param>
        public PinFunction(int pin, string function)
        {
            Pin = pin;
            Function = function;
        }

        /// <summary>
        /// Gets the GPIO number.
        /// </summary>
        public int Pin { get; }

        /// <summary>
        /// Gets the name of the device function.
        /// </summary>
        public string Function { get; }
    }
}
