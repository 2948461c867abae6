using TftpNano.Update;
using TftpNano.Update.Storage;

namespace TftpNano.Boot
{
    /// <summary>
    /// Writes the device's report (<see cref="DeviceReport"/>) to its server for the boot app: after each
    /// boot's update attempt, after an update the application asked for, and after its confirmation.
    /// </summary>
    /// <remarks>
    /// Reads the store and writes nothing to it, so a power cut during a report cannot touch the installed
    /// release or the trial count; and it takes at most <see cref="DeviceReport.SendBudgetMs"/>, so the
    /// release starts at most that much later. What happened is one console line.
    /// </remarks>
    internal sealed class BootReporter
    {
        private readonly IBootPlatform _platform;
        private readonly DeviceSettings _settings;
        private readonly UpdateSettings _update;

        // The last update attempt reported: a report after a confirmation repeats it, so that every
        // report is the device's whole state and the newest one is enough.
        private UpdateResult _lastResult;

        /// <summary>
        /// Prepares the reports of one boot.
        /// </summary>
        /// <param name="platform">The sockets, the assemblies and the console.</param>
        /// <param name="settings">The device's settings.</param>
        internal BootReporter(IBootPlatform platform, DeviceSettings settings)
        {
            _platform = platform;
            _settings = settings;
            _update = settings.ToUpdateSettings(platform.HardwareAddress);
        }

        /// <summary>
        /// Writes one report, when the settings ask for reports and name a server.
        /// </summary>
        /// <param name="eventName">What the report follows: <c>boot</c>, <c>update</c> or <c>confirm</c>.</param>
        /// <param name="store">The release store.</param>
        /// <param name="result">What the update attempt did, or null to repeat the last one reported.</param>
        internal void Send(string eventName, ReleaseStore store, UpdateResult result)
        {
            if (result != null)
            {
                _lastResult = result;
            }

            if (!_settings.Report || !_settings.IsValid || _update.Server == null)
            {
                return;
            }

            if (_update.DeviceId == null)
            {
                _platform.Log("report: not written: this board tells no MAC address; set device.id.");
                return;
            }

            DeviceReport report = DeviceReport.Describe(_update.DeviceId, eventName, store, _settings.TrialBoots, _lastResult);
            report.Firmware = _platform.FirmwareVersion;
            report.FirmwareLine = FirmwareLine.OfSystemNet(_platform.FindAssembly("System.Net"));
            string failure = report.Send(_platform.Transports, _update.Server, _update.Download.MinTimeoutMs);
            _platform.Log(failure == null
                ? "report: written to " + _update.Server.ToString() + " as " + DeviceReport.Folder + "/" + _update.DeviceId + "."
                : "report: not written: " + failure);
        }
    }
}
