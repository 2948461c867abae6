using TftpNano.Update;

namespace TftpNano.Boot
{
    /// <summary>
    /// Lets the started release tell the boot app that it runs properly, which ends its trial.
    /// </summary>
    /// <remarks>
    /// The application calls <see cref="Confirm"/> once it has done whatever proves it healthy (for
    /// example, reached its server). A release that never confirms is rolled back after
    /// <c>trial.boots</c> starts.
    /// </remarks>
    public static class ApplicationHealth
    {
        private static ReleaseStore _store;

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
        internal static void Attach(ReleaseStore store)
        {
            _store = store;
        }
    }
}
