using TftpNano.Boot.Board;

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
        /// <param name="function">The name of the function, as <see cref="Esp32DeviceFunctions"/> lists it, such as <c>SDMMC1_CLOCK</c>.</param>
        /// <param name="functionValue">Its <c>nanoFramework.Hardware.Esp32.DeviceFunction</c> value.</param>
        public PinFunction(int pin, string function, int functionValue)
        {
            Pin = pin;
            Function = function;
            FunctionValue = functionValue;
        }

        /// <summary>
        /// Gets the GPIO number.
        /// </summary>
        public int Pin { get; }

        /// <summary>
        /// Gets the name of the function, for messages.
        /// </summary>
        public string Function { get; }

        /// <summary>
        /// Gets the <c>nanoFramework.Hardware.Esp32.DeviceFunction</c> value to route.
        /// </summary>
        public int FunctionValue { get; }
    }
}
