using System;
using System.Collections;
using System.Text;
using TftpNano.Security;
using TftpNano.Text;

namespace TftpNano.Update.Manifest
{
    /// <summary>
    /// The description of one release: its version, its entry point and each file with size and digest.
    /// </summary>
    /// <remarks>
    /// <para>The format is line-based ASCII, one item per line, fields separated by one space:</para>
    /// <code>
    /// tftpnano-manifest 1
    /// channel fw/stable
    /// version 1.4.2
    /// entry Blinky.Program.Main
    /// needs mscorlib 1.17
    /// needs TftpNano 1.0
    /// rollout 25
    /// devices lab-1 lab-2
    /// file Drivers.pe 5120 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    /// file Blinky.pe 2048 hmac-sha256-4k:0c6c5b4ed4f4bb0d38bb7c5c9b7e6b8f6c7b0c6e53bb2a7d1f3c1e8e4a2d5f90
    /// </code>
    /// <para>
    /// The channel is the folder on the server the release is published in; a device refuses a manifest
    /// for another channel, so that a release signed for one channel cannot be replayed in another by
    /// one who can write to the server. A manifest without the line is for the server's root folder.
    /// </para>
    /// <para>
    /// Each <c>needs</c> line names an assembly the release's code references but does not ship, with
    /// the major and minor version it was built against: the boot app must carry it, since nanoFramework
    /// binds references by name and major.minor and never unloads an assembly. A device refuses a
    /// release it cannot start rather than install it and roll it back.
    /// </para>
    /// <para>
    /// <c>rollout</c> and <c>devices</c> stage a release (<see cref="StagedRollout"/>): a device takes it
    /// when its id is listed, or when its bucket for the release is below the percentage. Without a
    /// <c>rollout</c> line every device takes it; the signature covers these lines as every other.
    /// </para>
    /// <para>
    /// A digest is the file's SHA-256, or, after <c>hmac-sha256-4k:</c>, the chain of
    /// <see cref="HmacSha256Chain"/>, which a device computes in its firmware's native HMAC.
    /// </para>
    /// <para>
    /// Files are listed in load order. Parsing is strict: an unknown line, a repeated item or a name that
    /// could escape the release folder is an error rather than something to skip, because whatever a
    /// device ignores an attacker can use. The signature (<c>manifest.sig</c>) covers these exact bytes.
    /// </para>
    /// </remarks>
    public sealed partial class ReleaseManifest
    {
        /// <summary>
        /// The format this code reads and writes.
        /// </summary>
        public const int FormatVersion = 1;

        /// <summary>
        /// The longest manifest accepted, in bytes: above the 8,212 of the largest one the other limits
        /// allow (every line at its longest), which the boot app reads in a 96 KiB heap.
        /// </summary>
        public const int MaxLength = 8448;

        /// <summary>
        /// The longest line, in characters: a file's line at its longest has 162.
        /// </summary>
        public const int MaxLineLength = 256;

        /// <summary>
        /// The longest entry point, <c>Namespace.Type.Method</c>, in characters.
        /// </summary>
        public const int MaxEntryLength = 128;

        /// <summary>
        /// The most files one release may have.
        /// </summary>
        public const int MaxFiles = 32;

        /// <summary>
        /// The longest file name accepted.
        /// </summary>
        public const int MaxNameLength = 64;

        /// <summary>
        /// The name of the manifest, on the server and in a release folder.
        /// </summary>
        public const string FileName = "manifest";

        /// <summary>
        /// The name of the manifest's signature, on the server and in a release folder.
        /// </summary>
        public const string SignatureFileName = "manifest.sig";

        private const string Header = "tftpnano-manifest";

        // The longest channel name accepted.
        private const int MaxChannelLength = 128;

        // Before a digest of the HMAC-SHA256 chain; a SHA-256 digest has no prefix.
        private const string HmacChainPrefix = "hmac-sha256-4k:";

        /// <summary>
        /// The most assemblies one release may require from the boot app.
        /// </summary>
        public const int MaxNeeds = 32;

        /// <summary>
        /// The most devices a manifest may list by id (canaries); a manifest is still at most
        /// <see cref="MaxLength"/> bytes in all.
        /// </summary>
        public const int MaxDevices = 32;

        private ReleaseManifest(string channel, ReleaseVersion version, string entryType, string entryMethod, RequiredAssembly[] needs,
            int rolloutPercent, string[] devices, ReleaseFile[] files)
        {
            Channel = channel;
            Version = version;
            EntryType = entryType;
            EntryMethod = entryMethod;
            Needs = needs;
            RolloutPercent = rolloutPercent;
            Devices = devices;
            Files = files;
        }

        /// <summary>
        /// Gets the channel the release is published in, without leading or trailing '/'; empty for the
        /// server's root folder.
        /// </summary>
        public string Channel { get; }

        /// <summary>
        /// Gets the release version.
        /// </summary>
        public ReleaseVersion Version { get; }

        /// <summary>
        /// Gets the full name of the type whose static method starts the release.
        /// </summary>
        public string EntryType { get; }

        /// <summary>
        /// Gets the name of the static method that starts the release.
        /// </summary>
        public string EntryMethod { get; }

        /// <summary>
        /// Gets the assemblies the release needs the boot app to carry; empty when the manifest names none.
        /// </summary>
        public RequiredAssembly[] Needs { get; }

        /// <summary>
        /// Gets the percentage of devices, by bucket, that take the release: 100 when the manifest has no
        /// <c>rollout</c> line.
        /// </summary>
        public int RolloutPercent { get; }

        /// <summary>
        /// Gets the ids of the devices that take the release whatever their bucket; empty when none is listed.
        /// </summary>
        public string[] Devices { get; }

        /// <summary>
        /// Gets the release's files in load order.
        /// </summary>
        public ReleaseFile[] Files { get; }

        /// <summary>
        /// Describes a release in the server's root folder, checking each part as <see cref="Parse"/> would.
        /// </summary>
        /// <param name="version">The release version, for example <c>1.4.2</c>.</param>
        /// <param name="entryPoint">The entry point as <c>Namespace.Type.Method</c>.</param>
        /// <param name="files">The files in load order.</param>
        /// <returns>The manifest.</returns>
        /// <exception cref="UpdateException">A part is not valid.</exception>
        public static ReleaseManifest Create(string version, string entryPoint, ReleaseFile[] files)
        {
            return Create(string.Empty, version, entryPoint, files);
        }

        /// <summary>
        /// Describes a release, checking each part as <see cref="Parse"/> would.
        /// </summary>
        /// <param name="channel">The folder on the server it is published in, such as <c>fw/stable</c>; empty for the root.</param>
        /// <param name="version">The release version, for example <c>1.4.2</c>.</param>
        /// <param name="entryPoint">The entry point as <c>Namespace.Type.Method</c>.</param>
        /// <param name="files">The files in load order.</param>
        /// <returns>The manifest.</returns>
        /// <exception cref="UpdateException">A part is not valid.</exception>
        public static ReleaseManifest Create(string channel, string version, string entryPoint, ReleaseFile[] files)
        {
            return Create(channel, version, entryPoint, new RequiredAssembly[0], files);
        }

        /// <summary>
        /// Describes a release with the assemblies it needs from the boot app, checking each part as
        /// <see cref="Parse"/> would.
        /// </summary>
        /// <param name="channel">The folder on the server it is published in, such as <c>fw/stable</c>; empty for the root.</param>
        /// <param name="version">The release version, for example <c>1.4.2</c>.</param>
        /// <param name="entryPoint">The entry point as <c>Namespace.Type.Method</c>.</param>
        /// <param name="needs">The assemblies it references and does not ship.</param>
        /// <param name="files">The files in load order.</param>
        /// <returns>The manifest.</returns>
        /// <exception cref="UpdateException">A part is not valid.</exception>
        public static ReleaseManifest Create(string channel, string version, string entryPoint, RequiredAssembly[] needs, ReleaseFile[] files)
        {
            return Create(channel, version, entryPoint, needs, 100, new string[0], files);
        }

        /// <summary>
        /// Describes a release published in stages, checking each part as <see cref="Parse"/> would.
        /// </summary>
        /// <param name="channel">The folder on the server it is published in, such as <c>fw/stable</c>; empty for the root.</param>
        /// <param name="version">The release version, for example <c>1.4.2</c>.</param>
        /// <param name="entryPoint">The entry point as <c>Namespace.Type.Method</c>.</param>
        /// <param name="needs">The assemblies it references and does not ship.</param>
        /// <param name="rolloutPercent">The percentage of devices that take it, 0 to 100 (100: every device).</param>
        /// <param name="devices">The ids of devices that take it whatever the percentage.</param>
        /// <param name="files">The files in load order.</param>
        /// <returns>The manifest.</returns>
        /// <exception cref="UpdateException">A part is not valid, or the manifest would be longer than <see cref="MaxLength"/>.</exception>
        public static ReleaseManifest Create(string channel, string version, string entryPoint, RequiredAssembly[] needs, int rolloutPercent,
            string[] devices, ReleaseFile[] files)
        {
            string problem = CheckChannel(channel);
            if (problem != null)
            {
                throw Invalid(problem);
            }

            ReleaseVersion parsedVersion = ReleaseVersion.TryParse(version);
            if (parsedVersion == null)
            {
                throw Invalid("'" + version + "' is not a version (one to four numbers separated by dots).");
            }

            string entryType;
            string entryMethod;
            SplitEntryPoint(entryPoint, out entryType, out entryMethod);
            CheckNeeds(needs);
            CheckRollout(rolloutPercent, devices);
            CheckFiles(files);
            ReleaseManifest manifest = new ReleaseManifest(channel, parsedVersion, entryType, entryMethod, needs, rolloutPercent, devices, files);
            int length = manifest.ToBytes().Length;
            if (length > MaxLength)
            {
                throw new UpdateException(UpdateFailure.ManifestTooLarge, "The manifest would have " + length.ToString()
                    + " bytes, more than the " + MaxLength.ToString() + " a device reads: list fewer files or devices.");
            }

            return manifest;
        }

        /// <summary>
        /// Finds a file by name.
        /// </summary>
        /// <param name="name">The name, compared ignoring ASCII case.</param>
        /// <returns>The entry, or null.</returns>
        public ReleaseFile Find(string name)
        {
            for (int i = 0; i < Files.Length; i++)
            {
                if (ReleaseFile.SameName(Files[i].Name, name))
                {
                    return Files[i];
                }
            }

            return null;
        }

        /// <summary>
        /// Gets the sum of the sizes of all files.
        /// </summary>
        /// <returns>The release's size in bytes, without the manifest.</returns>
        public long TotalSize()
        {
            long total = 0;
            for (int i = 0; i < Files.Length; i++)
            {
                total += Files[i].Size;
            }

            return total;
        }
    }
}
