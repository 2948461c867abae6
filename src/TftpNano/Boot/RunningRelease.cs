using System;
using TftpNano.Application;
using TftpNano.Transfer;
using TftpNano.Update;
using TftpNano.Update.Manifest;
using TftpNano.Update.Storage;

namespace TftpNano.Boot
{
    /// <summary>
    /// The release the boot app started, with what the boot used to start it: the store whose record it
    /// committed, the update settings and the sockets. <see cref="ApplicationHealth"/> answers the
    /// application through it.
    /// </summary>
    /// <remarks>
    /// The store's record in memory is the one every commit builds on (its slot and sequence), so a
    /// confirmation and an update asked from the application go through this one store, one at a time,
    /// never through a second store opened beside it.
    /// </remarks>
    internal sealed class RunningRelease
    {
        private const string SettingsProblem = "The settings file has problems (the boot's console lists them); no update is asked for until they are fixed.";

        private readonly object _lock = new object();
        private readonly ReleaseStore _store;
        private readonly string _folder;
        private readonly ReleaseManifest _manifest;
        private readonly IBootPlatform _platform;
        private readonly BootReporter _reporter;

        // Null when the settings file has problems: then no update is asked for.
        private readonly UpdateSettings _updateSettings;

        /// <summary>
        /// Describes the release about to start.
        /// </summary>
        /// <param name="store">The store after this boot's updater ran.</param>
        /// <param name="platform">The boot app's hardware glue: sockets, assemblies, console, restart.</param>
        /// <param name="settings">The device's settings.</param>
        /// <param name="reporter">Writes the device's report after a confirmation or an update.</param>
        internal RunningRelease(ReleaseStore store, IBootPlatform platform, DeviceSettings settings, BootReporter reporter)
        {
            _store = store;
            _folder = store.State.Active;
            _manifest = store.ActiveManifest;
            _platform = platform;
            _reporter = reporter;
            Drive = settings.Root.Substring(0, 3);
            if (settings.IsValid)
            {
                _updateSettings = settings.ToUpdateSettings(platform.HardwareAddress);
                _updateSettings.BootAssemblies = new BootAppAssemblies(platform.FindAssembly, _manifest).Find;
            }
        }

        /// <summary>
        /// Gets the root of the mounted drive, such as <c>D:\</c>.
        /// </summary>
        internal string Drive { get; }

        /// <summary>
        /// Gets the running release's version.
        /// </summary>
        internal string Version
        {
            get { return _manifest.Version.ToString(); }
        }

        /// <summary>
        /// Gets whether another release became active since this one started: it waits for a restart.
        /// </summary>
        internal bool RestartPending
        {
            get
            {
                lock (_lock)
                {
                    return _store.State.Active != _folder;
                }
            }
        }

        /// <summary>
        /// Ends the running release's trial.
        /// </summary>
        /// <returns>True when a trial ended now.</returns>
        internal bool Confirm()
        {
            lock (_lock)
            {
                // Only the release that runs can prove itself healthy: one installed since, not started
                // yet, starts its own trial at the next boot.
                if (_store.State.Active != _folder || !_store.Confirm())
                {
                    return false;
                }

                // After the commit: the report only tells the server, and cannot undo the confirmation.
                _reporter.Send("confirm", _store, null);
                return true;
            }
        }

        /// <summary>
        /// Runs the updater once against the boot app's server and channel.
        /// </summary>
        /// <returns>What happened.</returns>
        internal UpdateResult CheckForUpdate()
        {
            if (_updateSettings == null)
            {
                UpdateResult skipped = new UpdateResult();
                skipped.Outcome = UpdateOutcome.NotChecked;
                skipped.Message = SettingsProblem;
                skipped.ActiveVersion = Version;
                return skipped;
            }

            lock (_lock)
            {
                FirmwareUpdater updater = new FirmwareUpdater(_store, _platform.Transports, _updateSettings);
                updater.Log += Log;
                UpdateResult result = updater.RunForApplication();
                _platform.Log("update: " + result.Message);
                _reporter.Send("update", _store, result);
                return result;
            }
        }

        /// <summary>
        /// Restarts the device, so that the boot app starts the active release.
        /// </summary>
        internal void Restart()
        {
            _platform.Log("boot: restart asked by release " + Version + ".");
            _platform.Restart();
        }

        private void Log(string message)
        {
            _platform.Log("update: " + message);
        }
    }
}
