using System.Net;
using TftpNano.Security;
using TftpNano.Transfer;

namespace TftpNano.Update
{
    /// <summary>
    /// Where a device gets its releases and what it accepts.
    /// </summary>
    public sealed class UpdateSettings
    {
        /// <summary>
        /// The number of unconfirmed starts after which a release is rolled back, unless configured otherwise.
        /// </summary>
        public const int DefaultMaxTrialBoots = 3;

        /// <summary>
        /// Creates settings with the defaults: no key, no downgrades, three trial boots.
        /// </summary>
        public UpdateSettings()
        {
            Channel = string.Empty;
            MaxTrialBoots = DefaultMaxTrialBoots;
            Download = new TftpDownloadSettings();
        }

        /// <summary>
        /// Gets or sets the TFTP server's request endpoint.
        /// </summary>
        public EndPoint Server { get; set; }

        /// <summary>
        /// Gets or sets the folder on the server that holds the release, for example <c>fw/stable</c>;
        /// empty for the server's root.
        /// </summary>
        public string Channel { get; set; }

        /// <summary>
        /// Gets or sets the key manifests must be signed with; null accepts unsigned manifests.
        /// </summary>
        public RsaPublicKey PublicKey { get; set; }

        /// <summary>
        /// Gets or sets whether a release older than the installed one may be installed.
        /// </summary>
        public bool AllowDowngrade { get; set; }

        /// <summary>
        /// Gets or sets the device's id, which a release published in stages names or buckets it by
        /// (<see cref="StagedRollout"/>); null for a device without one, which takes only releases offered to
        /// every device.
        /// </summary>
        public string DeviceId { get; set; }

        /// <summary>
        /// Gets or sets how many times a new release may start without being confirmed before it is rolled back.
        /// </summary>
        public int MaxTrialBoots { get; set; }

        /// <summary>
        /// Gets or sets how files are fetched: block size, window size, timeouts.
        /// </summary>
        public TftpDownloadSettings Download { get; set; }

        /// <summary>
        /// Gets or sets what finds the assemblies the boot app carries, so that a release that needs one
        /// it lacks, or ships one it has, is refused before it is fetched; null (the host tool) skips the check.
        /// </summary>
        public AssemblyVersionLookup BootAssemblies { get; set; }
    }
}
