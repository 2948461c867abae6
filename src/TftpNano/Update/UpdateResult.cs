namespace TftpNano.Update
{
    /// <summary>
    /// What one run of the updater did.
    /// </summary>
    public sealed class UpdateResult
    {
        /// <summary>
        /// Gets or sets what happened to the server's release.
        /// </summary>
        public UpdateOutcome Outcome { get; set; }

        /// <summary>
        /// Gets or sets why the update was refused; meaningful when <see cref="Outcome"/> is <see cref="UpdateOutcome.Refused"/>.
        /// </summary>
        public UpdateFailure Failure { get; set; }

        /// <summary>
        /// Gets or sets one sentence that says what happened.
        /// </summary>
        public string Message { get; set; }

        /// <summary>
        /// Gets or sets the version active after the run, or null when nothing is installed.
        /// </summary>
        public string ActiveVersion { get; set; }

        /// <summary>
        /// Gets or sets the version rolled back to during this run, or null.
        /// </summary>
        public string RolledBackTo { get; set; }

        /// <summary>
        /// Gets or sets the version abandoned by the rollback, or null.
        /// </summary>
        public string RolledBackFrom { get; set; }

        /// <summary>
        /// Gets or sets how many files were fetched from the server.
        /// </summary>
        public int FilesDownloaded { get; set; }

        /// <summary>
        /// Gets or sets how many unchanged files were copied from the active release instead.
        /// </summary>
        public int FilesCopied { get; set; }

        /// <summary>
        /// Gets or sets how many bytes of release files were fetched.
        /// </summary>
        public long BytesDownloaded { get; set; }
    }
}
