using System.Threading;
using TftpNano.Boot;

namespace TftpNano.Device
{
    /// <summary>
    /// The boot app: updates the device from its TFTP server, then starts the active release.
    /// </summary>
    public static class Program
    {
        // Long enough to read the console before a restart that advances a failing release's trial.
        private const int RebootDelayMs = 5000;

        /// <summary>
        /// Runs one boot; the started release keeps running on its own threads afterwards.
        /// </summary>
        public static void Main()
        {
            Esp32Platform platform = new Esp32Platform();
            BootReport report = new BootSequence(platform).Run();
            if (report.RebootRecommended)
            {
                Thread.Sleep(RebootDelayMs);
                platform.Restart();
            }

            Thread.Sleep(Timeout.Infinite);
        }
    }
}
