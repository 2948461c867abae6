using System;
using System.IO;
using System.Threading;
using TftpNano.Application;
using TftpNano.Text;
using TftpNano.Transfer;
using TftpNano.Update;
using TftpNano.Update.Manifest;
using TftpNano.Update.Storage;

namespace TftpNano.Boot
{
    /// <summary>
    /// What the boot app does, in order: read the settings, mount the storage, bring the network up,
    /// run the updater, report to the server, start the active release.
    /// </summary>
    /// <remarks>
    /// Every failure before the launch falls back to the installed release and is logged: bad settings
    /// skip the update (the storage settings that could be read are still used), a network that does
    /// not come up in time skips the server (the trial is still counted, so a failing release is still
    /// rolled back), and an updater error leaves the active release as it was.
    /// </remarks>
    public sealed class BootSequence
    {
        // The first wait between attempts that start nothing, and the longest: the wait doubles from one
        // to the other, so a device without a release asks its server less and less often, never less
        // than every ten minutes.
        private const int FirstRetrySeconds = 5;
        private const int LastRetrySeconds = 600;

        private readonly IBootPlatform _platform;

        // The folder of a release that failed to start in this power-up, or null. Its assemblies may stay
        // loaded (nanoFramework never unloads one), so it is not started again, and another release is
        // started only after a restart.
        private string _failedToStart;
        private ReleaseManifest _failedManifest;

        // The updater of the attempt in progress, its storage bound, and the release being installed when
        // a storage call stalled: read by the storage watchdog's thread.
        private FirmwareUpdater _updater;
        private int _storageWaitSeconds;
        private ReleaseStore _stalledStore;
        private string _stalledRelease;

        /// <summary>
        /// Creates the sequence over a platform.
        /// </summary>
        /// <param name="platform">The hardware glue.</param>
        public BootSequence(IBootPlatform platform)
        {
            if (platform == null)
            {
                throw new ArgumentNullException("platform");
            }

            _platform = platform;
        }

        /// <summary>
        /// Gets how long to wait before the next attempt, after <paramref name="attempt"/> attempts of this
        /// power-up started nothing: 5 s, doubling up to 10 minutes.
        /// </summary>
        /// <param name="attempt">The attempts that started nothing so far, from 0.</param>
        /// <returns>The wait, in seconds.</returns>
        public static int RetryDelaySeconds(int attempt)
        {
            int seconds = FirstRetrySeconds;
            for (int i = 0; i < attempt && seconds < LastRetrySeconds; i++)
            {
                seconds *= 2;
            }

            return seconds < LastRetrySeconds ? seconds : LastRetrySeconds;
        }

        /// <summary>
        /// Runs one boot, or one more attempt of this power-up when the last one started nothing.
        /// </summary>
        /// <returns>What happened.</returns>
        public BootReport Run()
        {
            BootReport report = new BootReport();
            DeviceSettings settings = ReadSettings();
            string[] problems = settings.Problems;
            for (int i = 0; i < problems.Length; i++)
            {
                _platform.Log("settings: " + problems[i]);
            }

            IUpdateStorage storage;
            try
            {
                storage = _platform.MountStorage(settings);
            }
            catch (Exception e)
            {
                _platform.Log("storage: " + settings.Root + " cannot be used: " + ExceptionText.Describe(e));
                report.Outcome = BootOutcome.NoStorage;
                return report;
            }

            bool online = false;
            if (settings.IsValid)
            {
                online = Connect(settings);
            }
            else
            {
                _platform.Log("update: skipped until the settings are fixed.");
            }

            ReleaseStore store = RunUpdater(settings, storage, online, report);
            BootReporter reporter = new BootReporter(_platform, settings);
            if (online)
            {
                reporter.Send("boot", store, report.Update);
            }

            ReleaseManifest manifest = store.ActiveManifest;
            if (manifest == null)
            {
                _platform.Log("boot: no release is installed.");
                report.Outcome = BootOutcome.NoRelease;
                return report;
            }

            report.Version = manifest.Version.ToString();
            if (_failedToStart != null)
            {
                report.Outcome = BootOutcome.LaunchFailed;
                if (store.State.Active == _failedToStart)
                {
                    _platform.Log("boot: release " + report.Version + " failed to start in this power-up; waiting for another release.");
                }
                else
                {
                    report.RebootRecommended = true;
                    _platform.Log("boot: release " + report.Version + " is installed; restarting to start it with nothing of release "
                        + _failedManifest.Version.ToString() + " loaded.");
                }

                return report;
            }

            bool onTrial = !store.State.Confirmed;
            _platform.Log("boot: starting release " + report.Version + (onTrial
                ? " on trial (start " + store.State.Boots.ToString() + " of " + settings.TrialBoots.ToString() + ")"
                : string.Empty) + ": " + manifest.EntryType + "." + manifest.EntryMethod);
            ApplicationHealth.Attach(new RunningRelease(store, _platform, settings, reporter));
            try
            {
                _platform.Launch(settings, store.State.Active, manifest);
            }
            catch (Exception e)
            {
                _platform.Log("boot: release " + report.Version + " failed to start: " + ExceptionText.Describe(e));
                report.Outcome = BootOutcome.LaunchFailed;
                _failedToStart = store.State.Active;
                _failedManifest = manifest;

                // A restart brings a release on trial closer to its rollback; without a release to roll
                // back to, it would only restart the device for ever.
                report.RebootRecommended = onTrial && store.State.Previous != null;
                return report;
            }

            report.Outcome = BootOutcome.Launched;
            return report;
        }

        // Read without ever holding more than the cap: a file that would exhaust the heap is a problem
        // like any other, and the installed release still starts.
        private DeviceSettings ReadSettings()
        {
            Stream file;
            try
            {
                file = _platform.OpenSettings();
            }
            catch (Exception e)
            {
                DeviceSettings unread = DeviceSettings.Parse(null);
                _platform.Log("settings: " + ExceptionText.Describe(e));
                return unread;
            }

            try
            {
                return DeviceSettings.Read(file);
            }
            finally
            {
                if (file != null)
                {
                    file.Close();
                }
            }
        }

        private bool Connect(DeviceSettings settings)
        {
            bool up;
            try
            {
                up = _platform.ConnectNetwork(settings, settings.NetworkWaitSeconds * 1000);
            }
            catch (Exception e)
            {
                _platform.Log("network: " + ExceptionText.Describe(e));
                up = false;
            }

            if (!up)
            {
                _platform.Log("network: not up within " + settings.NetworkWaitSeconds.ToString() + " s; the server is not asked.");
            }

            return up;
        }

        private ReleaseStore RunUpdater(DeviceSettings settings, IUpdateStorage storage, bool online, BootReport report)
        {
            _storageWaitSeconds = settings.StorageWaitSeconds;
            StorageWatchdog watchdog = new StorageWatchdog(storage, _storageWaitSeconds, StorageStalled);
            storage = watchdog;
            try
            {
                UpdateSettings update = settings.ToUpdateSettings(_platform.HardwareAddress);
                update.BootAssemblies = new BootAppAssemblies(_platform.FindAssembly, _failedManifest).Find;
                FirmwareUpdater updater = new FirmwareUpdater(storage, online ? _platform.Transports : null, update);
                _updater = updater;
                updater.Log += Log;
                report.Update = _failedToStart == null ? updater.Run(online) : updater.RunAgain(online);
                if (report.Update.Outcome != UpdateOutcome.NotChecked || report.Update.RolledBackTo != null)
                {
                    _platform.Log("update: " + report.Update.Message);
                }

                return updater.Store;
            }
            catch (Exception e)
            {
                // Whatever broke here, the store on its own still knows the installed release.
                _platform.Log("update: " + ExceptionText.Describe(e));
                ReleaseStore store = new ReleaseStore(storage);
                try
                {
                    store.Recover();
                    store.CountBoot();
                }
                catch (Exception again)
                {
                    _platform.Log("storage: " + ExceptionText.Describe(again));
                }

                return store;
            }
            finally
            {
                watchdog.Stop();
                _updater = null;
            }
        }

        // On the watchdog's thread, while the boot's thread is held in the storage call. The release being
        // installed is recorded, on a thread of its own so that a storage that holds that write too cannot
        // stop the restart, and the device restarts: the next boot starts the active release and does not
        // fetch that release again while the server offers the same manifest.
        private void StorageStalled(string operation, string path)
        {
            _platform.Log("storage: " + operation + " " + path + " has not returned in " + _storageWaitSeconds.ToString()
                + " s; restarting.");
            FirmwareUpdater updater = _updater;
            _stalledRelease = updater == null ? null : updater.Installing;
            if (_stalledRelease != null)
            {
                _stalledStore = updater.Store;
                Thread recorder = new Thread(RecordStalledRelease);
                recorder.Start();
                if (!recorder.Join(_storageWaitSeconds * 1000))
                {
                    _platform.Log("storage: recording the release being installed has not returned either.");
                }
            }

            _platform.Restart();
        }

        private void RecordStalledRelease()
        {
            try
            {
                _stalledStore.RememberTooLarge(_stalledRelease);
                _platform.Log("storage: the release being installed is not fetched again until the server offers another manifest.");
            }
            catch (Exception e)
            {
                _platform.Log("storage: recording the release being installed failed: " + ExceptionText.Describe(e));
            }
        }

        private void Log(string message)
        {
            _platform.Log("update: " + message);
        }
    }
}
