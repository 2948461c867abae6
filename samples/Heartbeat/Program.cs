using System;
using System.Device.Gpio;
using System.Threading;
using TftpNano.Application;

namespace Heartbeat
{
    /// <summary>
    /// The sample release: it blinks an LED as a heartbeat and, once it runs, confirms its start to the
    /// boot app, which ends the release's trial.
    /// </summary>
    /// <remarks>
    /// An application started by the boot app returns from its entry point once its own threads run.
    /// What proves it healthy is up to the application; here it is that the LED could be driven. A real
    /// application would confirm once it reached its server or read its sensors. The boot app has
    /// already mounted the drive the releases live on; files of the application's own go under
    /// <see cref="ApplicationHealth.Drive"/>, never through a second SDCard mount.
    /// </remarks>
    public static class Program
    {
        // The LED: GPIO 2 drives the on-board LED of many ESP32 DevKit boards.
        private const int LedPin = 2;

        private const int HalfPeriodMs = 500;

        private static GpioPin _led;

        /// <summary>
        /// Starts the heartbeat, then confirms the start.
        /// </summary>
        public static void Main()
        {
            _led = new GpioController().OpenPin(LedPin, PinMode.Output);
            _led.Write(PinValue.High);
            new Thread(Beat).Start();

            Console.WriteLine("heartbeat: LED on GPIO " + LedPin.ToString() + ", releases on " + ApplicationHealth.Drive);
            Console.WriteLine("heartbeat: start " + (ApplicationHealth.Confirm() ? "confirmed" : "was confirmed before"));
        }

        private static void Beat()
        {
            while (true)
            {
                Thread.Sleep(HalfPeriodMs);
                _led.Toggle();
            }
        }
    }
}
