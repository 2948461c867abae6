namespace TftpNano.Security
{
    /// <summary>
    /// How a release file's digest is computed; the manifest names it for each file.
    /// </summary>
    public enum DigestKind
    {
        /// <summary>SHA-256 of the whole file, computed by the managed <see cref="Sha256"/>.</summary>
        Sha256 = 0,

        /// <summary>
        /// The chain of HMAC-SHA256 over 4 KiB chunks of <see cref="HmacSha256Chain"/>: as collision-resistant
        /// as SHA-256, and computed by the firmware's native HMAC on a device.
        /// </summary>
        HmacSha256Chain = 1,
    }
}
