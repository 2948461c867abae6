using TftpNano.Update.Manifest;

namespace TftpNano.Update
{
    /// <summary>
    /// Why an update was refused or failed. Whatever the reason, the active release is untouched.
    /// </summary>
    public enum UpdateFailure
    {
        /// <summary>The manifest does not follow the format, or says something impossible.</summary>
        InvalidManifest,

        /// <summary>The manifest is longer than <see cref="ReleaseManifest.MaxLength"/> bytes.</summary>
        ManifestTooLarge,

        /// <summary>The manifest lists more than <see cref="ReleaseManifest.MaxFiles"/> files.</summary>
        TooManyFiles,

        /// <summary>A file name is empty, too long, not printable ASCII, a path, or contains "..".</summary>
        InvalidFileName,

        /// <summary>A public key is configured and the channel has no <c>manifest.sig</c>.</summary>
        SignatureMissing,

        /// <summary>The manifest's signature does not verify with the configured key.</summary>
        SignatureInvalid,

        /// <summary>The offered release is older than the installed one and downgrades are not allowed.</summary>
        Downgrade,

        /// <summary>A downloaded file is longer or shorter than the manifest says.</summary>
        SizeMismatch,

        /// <summary>A downloaded file's SHA-256 differs from the manifest's.</summary>
        HashMismatch,

        /// <summary>The server refused a request, or stopped answering.</summary>
        Download,

        /// <summary>The release does not fit the free space of the storage.</summary>
        InsufficientSpace,

        /// <summary>Reading or writing the storage failed.</summary>
        Storage,

        /// <summary>The manifest names another channel than the one the device updates from.</summary>
        WrongChannel,

        /// <summary>
        /// The release needs an assembly the boot app lacks, or at another major.minor version, or ships
        /// one the boot app already carries.
        /// </summary>
        IncompatibleRelease,

        /// <summary>Something the updater has no more specific reason for failed; the message names it.</summary>
        Unexpected,
    }
}
