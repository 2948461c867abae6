using TftpNano.Update;

namespace TftpNano.Boot
{
    /// <summary>
    /// What the boot app hands the release it started: the confirmation that ends its trial, and the
    /// drive it mounted.
    /// </summary>
    /// <remarks>
    /// The application calls <see cref="Confirm"/> once it has done whatever proves it healthy (for
    /// example, reached its server). A release that never confirms is rolled back after
    /// <c>trial.boots</c> starts. An application that keeps files uses <see cref="Drive"/>: the boot app
    /// already mounted the SD card in slot 0, and a second <c>SDCard</c> for that slot throws
    /// <c>ArgumentException</c> (nanoframework/System.IO.FileSystem, SDCard.cs: its constructor refuses a
    /// slot that StorageEventManager.RegisterSDcardForEvents already holds), so mounting it again the
    /// way the samples do would crash the application, and roll it back.
    /// </remarks>
    public static class ApplicationHealth
    {
        private static ReleaseStore _store;
        private static string _drive;

        /// <summary>
        /// Gets the root of the drive the releases live on, already mounted (such as <c>D:\</c> for an
        /// SD card, <c>I:\</c> for internal flash), or null when the boot app did not start this
        /// application. Keep the application's files outside the releases' folder (<c>tftpnano</c>).
        /// </summary>
        public static string Drive
        {
            get { return _drive; }
        }

        /// <summary>
        /// Confirms the running release.
        /// </summary>
        /// <returns>True when a trial ended now; false when there was none (already confirmed, or not started by the boot app).</returns>
        public static bool Confirm()
        {
            ReleaseStore store = _store;
            return store != null && store.Confirm();
        }

        /// <summary>
        /// Connects confirmations to the store of the release being started.
        /// </summary>
        /// <param name="store">The store, after the updater ran.</param>
        /// <param name="drive">The root of the mounted drive.</param>
        internal static void Attach(ReleaseStore store, string drive)
        {
            _store = store;
            _drive = drive;
        }
    }
}
