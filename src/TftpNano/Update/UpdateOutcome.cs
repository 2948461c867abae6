namespace TftpNano.Update
{
    /// <summary>
    /// What one run of the updater did about the release on the server.
    /// </summary>
    public enum UpdateOutcome
    {
        /// <summary>The server's release was installed and is now active, on trial.</summary>
        Installed = 1,

        /// <summary>The server offers the release already installed.</summary>
        UpToDate = 2,

        /// <summary>The server offers the release this device rolled back; it is not installed again.</summary>
        Skipped = 3,

        /// <summary>The update was refused or failed; the active release is untouched.</summary>
        Refused = 4,

        /// <summary>The server was not asked (no network or no server configured).</summary>
        NotChecked = 5,

        /// <summary>
        /// The server's release is published in stages and this device is not among them yet (see
        /// <see cref="StagedRollout"/>); the active release stays.
        /// </summary>
        NotInRollout = 6,
    }
}
