using TftpNano.Security;
using TftpNano.Text;
using TftpNano.Update.Manifest;

namespace TftpNano.Update
{
    /// <summary>
    /// Which devices take a release published in stages: a manifest's <c>rollout PERCENT</c> and
    /// <c>devices ID ...</c> lines against a device's id.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A device takes the release when its id is listed (a canary), or when its bucket, a number from 0
    /// to 99, is below the percentage. The bucket is the first four bytes of the SHA-256 of the ASCII
    /// text <c>ID VERSION</c> (the id, one space, the release version as the manifest writes it), read as
    /// a big-endian unsigned number, modulo 100: the same on the device, in the host tool and in any
    /// script (<c>printf 'dev-07 2.0.0' | sha256sum</c>), and different for each release, so that the
    /// first devices of one rollout are not always the first of the next.
    /// </para>
    /// <para>
    /// Raising the percentage is publishing the same release again with only the manifest changed: the
    /// devices already on it stay up to date (the version is the same), the others that now fall below
    /// the new percentage take it. A rollout is halted by publishing with a lower percentage, or by
    /// publishing the previous release again.
    /// </para>
    /// </remarks>
    public static class StagedRollout
    {
        /// <summary>The longest device id.</summary>
        public const int MaxDeviceIdLength = 64;

        /// <summary>
        /// Checks a device id: 1 to 64 characters of <c>A-Z a-z 0-9 . _ -</c>, so that it is a file name
        /// on any server and a field of a manifest line.
        /// </summary>
        /// <param name="id">The id.</param>
        /// <returns>Null when valid, else a sentence saying why not.</returns>
        public static string CheckDeviceId(string id)
        {
            if (id == null || id.Length == 0 || id.Length > MaxDeviceIdLength)
            {
                return "A device id has 1 to " + MaxDeviceIdLength.ToString() + " characters.";
            }

            for (int i = 0; i < id.Length; i++)
            {
                char c = id[i];
                bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
                if (!allowed)
                {
                    return "The device id '" + id + "' has a character other than letters, digits, '.', '_' and '-'.";
                }
            }

            return id == "." || id == ".." ? "A device id cannot be '.' or '..'." : null;
        }

        /// <summary>
        /// Gets a device's bucket for a release: 0 to 99.
        /// </summary>
        /// <param name="deviceId">The device's id.</param>
        /// <param name="version">The release's version.</param>
        /// <returns>The first four bytes of SHA-256 of <c>ID VERSION</c>, big-endian, modulo 100.</returns>
        public static int Bucket(string deviceId, ReleaseVersion version)
        {
            byte[] text = AsciiText.GetBytes(deviceId + " " + version.ToString());
            byte[] digest = Sha256.Hash(text, 0, text.Length);
            uint first = ((uint)digest[0] << 24) | ((uint)digest[1] << 16) | ((uint)digest[2] << 8) | digest[3];
            return (int)(first % 100);
        }

        /// <summary>
        /// Gets whether a device takes a release: always when the manifest stages nothing.
        /// </summary>
        /// <param name="manifest">The release's manifest.</param>
        /// <param name="deviceId">The device's id, or null for a device without one, which takes only a
        /// release offered to every device.</param>
        /// <returns>True when the device installs the release.</returns>
        public static bool Includes(ReleaseManifest manifest, string deviceId)
        {
            if (manifest.RolloutPercent >= 100)
            {
                return true;
            }

            if (deviceId == null)
            {
                return false;
            }

            for (int i = 0; i < manifest.Devices.Length; i++)
            {
                if (manifest.Devices[i] == deviceId)
                {
                    return true;
                }
            }

            return Bucket(deviceId, manifest.Version) < manifest.RolloutPercent;
        }
    }
}
