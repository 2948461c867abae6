using TftpNano.Update;

namespace TftpNano.Boot
{
    /// <summary>
    /// What one boot did.
    /// </summary>
    public sealed class BootReport
    {
        /// <summary>Gets or sets how the boot ended.</summary>
        public BootOutcome Outcome { get; set; }

        /// <summary>Gets or sets what the updater did, or null when it did not run.</summary>
        public UpdateResult Update { get; set; }

        /// <summary>Gets or sets the version started (or that failed to start), or null.</summary>
        public string Version { get; set; }

        /// <summary>
        /// Gets or sets whether the device should restart rather than try again in this power-up: a
        /// release on trial failed to start and a restart brings it closer to its rollback, or a new
        /// release was installed after one that failed to start.
        /// </summary>
        public bool RebootRecommended { get; set; }
    }
}
