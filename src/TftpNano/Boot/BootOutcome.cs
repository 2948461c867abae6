namespace TftpNano.Boot
{
    /// <summary>
    /// How a boot ended.
    /// </summary>
    public enum BootOutcome
    {
        /// <summary>The active release was started.</summary>
        Launched = 1,

        /// <summary>No release is installed and none could be installed.</summary>
        NoRelease = 2,

        /// <summary>The storage could not be mounted, so nothing can start.</summary>
        NoStorage = 3,

        /// <summary>The active release failed to start.</summary>
        LaunchFailed = 4,
    }
}
