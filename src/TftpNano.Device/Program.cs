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
        /// Boots; the started release keeps running on its own threads afterwards. While nothing starts
        /// (no release, no storage, a release that fails to start with nothing to roll back to) the boot
        /// is tried again, the wait doubling from 5 s to 10 minutes.
        /// </summary>
        public static void Main()
        {
            Esp32Platform platform = new Esp32Platform();
            BootSequence boot = new BootSequence(platform);
            for (int attempt = 0; ; attempt++)
            {
                BootReport report = boot.Run();
                if (report.Outcome == BootOutcome.Launched)
                {
                    break;
                }

                if (report.RebootRecommended)
                {
                    Thread.Sleep(RebootDelayMs);
                    platform.Restart();
                }

                int seconds = BootSequence.RetryDelaySeconds(attempt);
                platform.Log("boot: nothing started; trying again in " + seconds.ToString() + " s.");
                Thread.Sleep(seconds * 1000);
            }

            Thread.Sleep(Timeout.Infinite);
        }
    }
}
