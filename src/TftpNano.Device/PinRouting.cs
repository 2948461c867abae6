using System;
using System.Reflection;
using TftpNano.Boot;

namespace TftpNano.Device
{
    /// <summary>
    /// Routes ESP32 pins to peripheral functions (the SD card's SDMMC or SPI lines) before mounting.
    /// </summary>
    /// <remarks>
    /// The call is <c>nanoFramework.Hardware.Esp32.Configuration.SetPinFunction(int, DeviceFunction)</c>,
    /// reached by name through reflection: that library ships with the boot app, but its members are not
    /// part of the API set this project builds against, and by name the settings file can use any
    /// function the firmware knows without this code listing them.
    /// </remarks>
    internal static class PinRouting
    {
        private const string ConfigurationType = "nanoFramework.Hardware.Esp32.Configuration, nanoFramework.Hardware.Esp32";
        private const string FunctionType = "nanoFramework.Hardware.Esp32.DeviceFunction, nanoFramework.Hardware.Esp32";

        /// <summary>
        /// Applies each assignment in order.
        /// </summary>
        /// <param name="pins">The assignments from the settings.</param>
        public static void Apply(PinFunction[] pins)
        {
            if (pins.Length == 0)
            {
                return;
            }

            Type configuration = Type.GetType(ConfigurationType);
            Type functions = Type.GetType(FunctionType);
            MethodInfo setPinFunction = configuration is null ? null : configuration.GetMethod("SetPinFunction");
            if (setPinFunction is null || functions is null)
            {
                throw new InvalidOperationException("nanoFramework.Hardware.Esp32 is not deployed; pins cannot be routed.");
            }

            for (int i = 0; i < pins.Length; i++)
            {
                FieldInfo function = functions.GetField(pins[i].Function);
                if (function is null)
                {
                    throw new InvalidOperationException("'" + pins[i].Function + "' is not a DeviceFunction of this firmware.");
                }

                setPinFunction.Invoke(null, new object[] { pins[i].Pin, function.GetValue(null) });
            }
        }
    }
}
