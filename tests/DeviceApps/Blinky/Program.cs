using System;
using TftpNano.Application;

namespace Blinky
{
    /// <summary>
    /// The application a release starts: it says so on the console, and confirms its health or not.
    /// </summary>
    public static class Program
    {
        /// <summary>
        /// A healthy start: the release confirms itself, which ends its trial.
        /// </summary>
        public static void Main()
        {
            Console.WriteLine("blinky: running");
            Console.WriteLine("blinky: confirmed " + (ApplicationHealth.Confirm() ? "now" : "already"));
        }

        /// <summary>
        /// A start that never proves healthy: the release stays on trial until it is rolled back.
        /// </summary>
        public static void Unhealthy()
        {
            Console.WriteLine("blinky: running, not healthy");
        }
    }
}
