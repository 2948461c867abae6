using System;
using TftpNano.Boot;
using TftpNano.Update;

namespace TftpNano.Application
{
    /// <summary>
    /// What the boot app hands the release it started: the confirmation that ends its trial, the drive
    /// it mounted, and updates asked for while the release runs.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The application calls <see cref="Confirm"/> once it has done whatever proves it healthy (for
    /// example, reached its server). A release that never confirms is rolled back after
    /// <c>trial.boots</c> starts. An application that keeps files uses <see cref="Drive"/>: the boot app
    /// already mounted the SD card in slot 0, and a second <c>SDCard</c> for that slot throws
    /// <c>ArgumentException</c> (nanoframework/System.IO.FileSystem, SDCard.cs: its constructor refuses a
    /// slot that StorageEventManager.RegisterSDcardForEvents already holds), so mounting it again the
    /// way the samples do would crash the application, and roll it back.
    /// </para>
    /// <para>
    /// A device that runs for weeks need not wait for its next reset to update: <see cref="CheckForUpdate"/>
    /// runs the boot app's own updater, with its settings and storage, at a moment the application
    /// chooses (on a command, once a day), and <see cref="Restart"/> starts what it installed. The new
    /// release then starts on trial, as after an update at boot.
    /// </para>
    /// </remarks>
    public static class ApplicationHealth
    {
        private static RunningRelease s_running;

        /// <summary>
        /// Gets the root of the drive the releases live on, already mounted (such as <c>D:\</c> for an
        /// SD card, <c>I:\</c> for internal flash), or null when the boot app did not start this
        /// application. Keep the application's files outside the releases' folder (<c>tftpnano</c>).
        /// </summary>
        public static string Drive
        {
            get { return s_running == null ? null : s_running.Drive; }
        }

        /// <summary>
        /// Gets the version of the running release, or null when the boot app did not start this application.
        /// </summary>
        public static string Version
        {
            get { return s_running == null ? null : s_running.Version; }
        }

        /// <summary>
        /// Gets whether a release installed by <see cref="CheckForUpdate"/> waits for a restart to start.
        /// </summary>
        public static bool RestartPending
        {
            get { return s_running != null && s_running.RestartPending; }
        }

        /// <summary>
        /// Confirms the running release.
        /// </summary>
        /// <returns>True when a trial ended now; false when there was none (already confirmed, not started
        /// by the boot app, or another release installed since, which starts its own trial).</returns>
        public static bool Confirm()
        {
            RunningRelease running = s_running;
            return running != null && running.Confirm();
        }

        /// <summary>
        /// Asks the boot app's server for the channel's release now, as the boot app does at every start,
        /// with its settings (server, channel, key, downgrade rule, transfer sizes) and its storage. A new
        /// release is fetched, checked against the signed manifest and made active; it starts, on trial,
        /// at the next restart. The running release keeps running, and its files are not touched.
        /// </summary>
        /// <returns>What happened: <see cref="UpdateResult.Outcome"/> is <see cref="UpdateOutcome.Installed"/>
        /// (then call <see cref="Restart"/> when convenient), <see cref="UpdateOutcome.UpToDate"/>,
        /// <see cref="UpdateOutcome.Skipped"/> (a release rolled back here), <see cref="UpdateOutcome.NotInRollout"/>
        /// (a staged release not yet offered to this device), <see cref="UpdateOutcome.Refused"/>
        /// (<see cref="UpdateResult.Failure"/> and <see cref="UpdateResult.Message"/> say why) or
        /// <see cref="UpdateOutcome.NotChecked"/> (the settings file has problems). It never throws for
        /// a failed update.</returns>
        /// <exception cref="InvalidOperationException">The boot app did not start this application.</exception>
        public static UpdateResult CheckForUpdate()
        {
            return Running.CheckForUpdate();
        }

        /// <summary>
        /// Restarts the device, so that the boot app starts the active release: the one
        /// <see cref="CheckForUpdate"/> installed, on trial. Does not return on a device.
        /// </summary>
        /// <exception cref="InvalidOperationException">The boot app did not start this application.</exception>
        public static void Restart()
        {
            Running.Restart();
        }

        /// <summary>
        /// Connects the application's calls to the release being started.
        /// </summary>
        /// <param name="running">The release, with the store and settings it was started with.</param>
        internal static void Attach(RunningRelease running)
        {
            s_running = running;
        }

        private static RunningRelease Running
        {
            get
            {
                RunningRelease running = s_running;
                if (running == null)
                {
                    throw new InvalidOperationException("The TftpNano boot app did not start this application.");
                }

                return running;
            }
        }
    }
}
