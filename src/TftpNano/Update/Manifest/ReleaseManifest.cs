using System;
using System.Collections;
using System.Text;
using TftpNano.Security;

namespace TftpNano.Update
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
    /// A digest is the file's SHA-256, or, after <c>hmac-sha256-4k:</c>, the chain of
    /// <see cref="HmacSha256Chain"/>, which a device computes in its firmware's native HMAC.
    /// </para>
    /// <para>
    /// Files are listed in load order. Parsing is strict: an unknown line, a repeated item or a name that
    /// could escape the release folder is an error rather than something to skip, because whatever a
    /// device ignores an attacker can use. The signature (<c>manifest.sig</c>) covers these exact bytes.
    /// </para>
    /// </remarks>
    public sealed class ReleaseManifest
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

        private ReleaseManifest(string channel, ReleaseVersion version, string entryType, string entryMethod, RequiredAssembly[] needs, ReleaseFile[] files)
        {
            Channel = channel;
            Version = version;
            EntryType = entryType;
            EntryMethod = entryMethod;
            Needs = needs;
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
            CheckFiles(files);
            return new ReleaseManifest(channel, parsedVersion, entryType, entryMethod, needs, files);
        }

        /// <summary>
        /// Reads a manifest.
        /// </summary>
        /// <param name="data">The manifest's bytes.</param>
        /// <param name="count">How many bytes from index 0 belong to it.</param>
        /// <returns>The manifest.</returns>
        /// <exception cref="UpdateException">The bytes are not a valid manifest; the message names the line.</exception>
        public static ReleaseManifest Parse(byte[] data, int count)
        {
            if (count > MaxLength)
            {
                throw new UpdateException(UpdateFailure.ManifestTooLarge,
                    "The manifest is longer than " + MaxLength.ToString() + " bytes.");
            }

            CheckText(data, count);

            // One line at a time, straight from the bytes: the whole text as a string, and as lines
            // beside it, would take some 50 KB for the largest manifest, more than a device can spare.
            int position = 0;
            string first = NextLine(data, count, ref position);
            if (first != Header + " " + FormatVersion.ToString())
            {
                throw Invalid("The manifest does not start with '" + Header + " " + FormatVersion.ToString() + "'.");
            }

            string channel = null;
            ReleaseVersion version = null;
            string entryType = null;
            string entryMethod = null;
            ArrayList needs = new ArrayList();
            ArrayList files = new ArrayList();
            for (int i = 1; position < count; i++)
            {
                string line = NextLine(data, count, ref position);
                string[] fields = line.Split(new char[] { ' ' });
                string where = "Manifest line " + (i + 1).ToString() + ": ";
                if (fields[0] == "channel" && fields.Length == 2 && channel == null && version == null)
                {
                    string problem = CheckChannel(fields[1]);
                    if (problem != null)
                    {
                        throw Invalid(where + problem);
                    }

                    channel = fields[1];
                }
                else if (fields[0] == "version" && fields.Length == 2 && version == null)
                {
                    version = ReleaseVersion.TryParse(fields[1]);
                    if (version == null)
                    {
                        throw Invalid(where + "'" + fields[1] + "' is not a version.");
                    }
                }
                else if (fields[0] == "entry" && fields.Length == 2 && entryType == null)
                {
                    SplitEntryPoint(fields[1], out entryType, out entryMethod);
                }
                else if (fields[0] == "needs" && fields.Length == 3 && files.Count == 0)
                {
                    needs.Add(ParseNeed(fields, where));
                    if (needs.Count > MaxNeeds)
                    {
                        throw Invalid("The manifest needs more than " + MaxNeeds.ToString() + " assemblies.");
                    }
                }
                else if (fields[0] == "file" && fields.Length == 4)
                {
                    files.Add(ParseFile(fields, where));
                    if (files.Count > MaxFiles)
                    {
                        throw new UpdateException(UpdateFailure.TooManyFiles,
                            "The manifest lists more than " + MaxFiles.ToString() + " files.");
                    }
                }
                else
                {
                    throw Invalid(where + "'" + line + "' is not understood here.");
                }
            }

            if (version == null || entryType == null || files.Count == 0)
            {
                throw Invalid("The manifest needs a version, an entry point and at least one file.");
            }

            RequiredAssembly[] needArray = new RequiredAssembly[needs.Count];
            needs.CopyTo(needArray);
            CheckNeeds(needArray);
            ReleaseFile[] fileArray = new ReleaseFile[files.Count];
            files.CopyTo(fileArray);
            CheckFiles(fileArray);
            return new ReleaseManifest(channel == null ? string.Empty : channel, version, entryType, entryMethod, needArray, fileArray);
        }

        /// <summary>
        /// Writes the manifest in its one canonical form, which <see cref="Parse"/> reads back.
        /// </summary>
        /// <returns>The ASCII bytes, each line ending in a line feed.</returns>
        public byte[] ToBytes()
        {
            StringBuilder text = new StringBuilder();
            text.Append(Header + " " + FormatVersion.ToString() + "\n");
            if (Channel.Length > 0)
            {
                text.Append("channel " + Channel + "\n");
            }

            text.Append("version " + Version.ToString() + "\n");
            text.Append("entry " + EntryType + "." + EntryMethod + "\n");
            for (int i = 0; i < Needs.Length; i++)
            {
                text.Append("needs " + Needs[i].ToString() + "\n");
            }

            for (int i = 0; i < Files.Length; i++)
            {
                ReleaseFile file = Files[i];
                text.Append("file " + file.Name + " " + file.Size.ToString() + " "
                    + (file.Kind == DigestKind.HmacSha256Chain ? HmacChainPrefix : string.Empty) + Hex.Encode(file.Digest) + "\n");
            }

            return AsciiText.GetBytes(text.ToString());
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

        /// <summary>
        /// Explains why a name cannot be a release file, or returns null when it can.
        /// </summary>
        /// <param name="name">The candidate file name.</param>
        /// <returns>A sentence, or null.</returns>
        public static string CheckFileName(string name)
        {
            if (name == null || name.Length == 0 || name.Length > MaxNameLength)
            {
                return "A file name must have 1 to " + MaxNameLength.ToString() + " characters.";
            }

            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                if (c <= ' ' || c > '~')
                {
                    return "The file name '" + name + "' is not printable ASCII without spaces.";
                }

                if (c == '/' || c == '\\' || c == ':')
                {
                    return "The file name '" + name + "' is a path.";
                }

                if (c == '*' || c == '?' || c == '"' || c == '<' || c == '>' || c == '|')
                {
                    return "The file name '" + name + "' has a character file systems reject.";
                }
            }

            if (name.IndexOf("..") >= 0 || name == ".")
            {
                return "The file name '" + name + "' contains '..'.";
            }

            if (name[name.Length - 1] == '.')
            {
                // FAT strips trailing dots: on an SD card 'a.bin.' and 'a.bin' are one file.
                return "The file name '" + name + "' ends with a dot, which FAT drops: on an SD card it is '"
                    + name.TrimEnd(new char[] { '.' }) + "'.";
            }

            if (ReleaseFile.SameName(name, FileName) || ReleaseFile.SameName(name, SignatureFileName))
            {
                return "The file name '" + name + "' is reserved for the manifest.";
            }

            return null;
        }

        /// <summary>
        /// Checks a channel name: the folder on the server, '/' between its parts.
        /// </summary>
        /// <param name="channel">The candidate, without leading or trailing '/'; empty for the root.</param>
        /// <returns>Null when it is valid, otherwise why not.</returns>
        public static string CheckChannel(string channel)
        {
            if (channel == null)
            {
                return "The channel is missing.";
            }

            if (channel.Length > MaxChannelLength)
            {
                return "A channel has at most " + MaxChannelLength.ToString() + " characters.";
            }

            for (int i = 0; i < channel.Length; i++)
            {
                char c = channel[i];
                if (c <= ' ' || c >= 0x7f || c == '\\')
                {
                    return "The channel '" + channel + "' is not printable ASCII without spaces and backslashes.";
                }
            }

            if (channel.Length > 0 && (channel[0] == '/' || channel[channel.Length - 1] == '/' || channel.IndexOf("//") >= 0 || channel.IndexOf("..") >= 0))
            {
                return "The channel '" + channel + "' has an empty part, '..', or a '/' at an end.";
            }

            return null;
        }

        private static ReleaseFile ParseFile(string[] fields, string where)
        {
            string problem = CheckFileName(fields[1]);
            if (problem != null)
            {
                throw new UpdateException(UpdateFailure.InvalidFileName, where + problem);
            }

            long size = DecimalText.Parse(fields[2], 0, 12);
            if (size < 0)
            {
                throw Invalid(where + "'" + fields[2] + "' is not a file size.");
            }

            string digestText = fields[3];
            DigestKind kind = DigestKind.Sha256;
            if (digestText.Length > HmacChainPrefix.Length && digestText.Substring(0, HmacChainPrefix.Length) == HmacChainPrefix)
            {
                kind = DigestKind.HmacSha256Chain;
                digestText = digestText.Substring(HmacChainPrefix.Length);
            }

            byte[] digest = Hex.Decode(digestText, Sha256.HashLength);
            if (digest == null)
            {
                throw Invalid(where + "'" + fields[3] + "' is not a digest: 64 hexadecimal digits of SHA-256, or "
                    + HmacChainPrefix + " and 64 of the HMAC-SHA256 chain.");
            }

            return new ReleaseFile(fields[1], size, kind, digest);
        }

        /// <summary>
        /// Explains why a name cannot be an assembly's, or returns null when it can.
        /// </summary>
        /// <param name="name">The candidate, such as <c>System.Device.Gpio</c>.</param>
        /// <returns>A sentence, or null.</returns>
        public static string CheckAssemblyName(string name)
        {
            if (name == null || name.Length == 0 || name.Length > MaxNameLength)
            {
                return "An assembly name must have 1 to " + MaxNameLength.ToString() + " characters.";
            }

            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
                {
                    return "'" + name + "' is not an assembly name (letters, digits, '.', '_' and '-').";
                }
            }

            return null;
        }

        private static RequiredAssembly ParseNeed(string[] fields, string where)
        {
            string problem = CheckAssemblyName(fields[1]);
            if (problem != null)
            {
                throw Invalid(where + problem);
            }

            string version = fields[2];
            int dot = version.IndexOf('.');
            long major = dot <= 0 ? -1 : DecimalText.Parse(version.Substring(0, dot), 0, 5);
            long minor = dot <= 0 ? -1 : DecimalText.Parse(version.Substring(dot + 1), 0, 5);
            if (major < 0 || minor < 0 || major > 65535 || minor > 65535)
            {
                throw Invalid(where + "'" + version + "' is not a major.minor version.");
            }

            return new RequiredAssembly(fields[1], (int)major, (int)minor);
        }

        private static void CheckNeeds(RequiredAssembly[] needs)
        {
            if (needs == null || needs.Length > MaxNeeds)
            {
                throw Invalid("A release may need at most " + MaxNeeds.ToString() + " assemblies.");
            }

            for (int i = 0; i < needs.Length; i++)
            {
                string problem = CheckAssemblyName(needs[i].Name);
                if (problem != null)
                {
                    throw Invalid(problem);
                }

                if (needs[i].Major < 0 || needs[i].Minor < 0 || needs[i].Major > 65535 || needs[i].Minor > 65535)
                {
                    throw Invalid("The version of " + needs[i].Name + " is not a major.minor version.");
                }

                for (int j = 0; j < i; j++)
                {
                    if (AsciiCase.Equal(needs[i].Name, needs[j].Name))
                    {
                        throw Invalid("The assembly " + needs[i].Name + " is needed twice.");
                    }
                }
            }
        }

        private static void CheckFiles(ReleaseFile[] files)
        {
            if (files == null || files.Length == 0)
            {
                throw Invalid("A release needs at least one file.");
            }

            if (files.Length > MaxFiles)
            {
                throw new UpdateException(UpdateFailure.TooManyFiles,
                    "A release may have at most " + MaxFiles.ToString() + " files.");
            }

            for (int i = 0; i < files.Length; i++)
            {
                string problem = CheckFileName(files[i].Name);
                if (problem != null)
                {
                    throw new UpdateException(UpdateFailure.InvalidFileName, problem);
                }

                if (files[i].Size < 0 || files[i].Digest == null || files[i].Digest.Length != Sha256.HashLength)
                {
                    throw Invalid("The entry for '" + files[i].Name + "' needs a size and a 32-byte digest.");
                }

                for (int j = 0; j < i; j++)
                {
                    if (ReleaseFile.SameName(files[i].Name, files[j].Name))
                    {
                        throw new UpdateException(UpdateFailure.InvalidFileName,
                            "The file name '" + files[i].Name + "' appears twice.");
                    }
                }
            }
        }

        private static void SplitEntryPoint(string entryPoint, out string type, out string method)
        {
            if (entryPoint != null && entryPoint.Length > MaxEntryLength)
            {
                throw Invalid("The entry point has more than " + MaxEntryLength.ToString() + " characters.");
            }

            int dot = entryPoint == null ? -1 : entryPoint.LastIndexOf('.');
            if (dot <= 0 || dot == entryPoint.Length - 1)
            {
                throw Invalid("The entry point must be written Namespace.Type.Method.");
            }

            for (int i = 0; i < entryPoint.Length; i++)
            {
                char c = entryPoint[i];
                bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '+';
                if (!allowed)
                {
                    throw Invalid("The entry point '" + entryPoint + "' is not a type and method name.");
                }
            }

            type = entryPoint.Substring(0, dot);
            method = entryPoint.Substring(dot + 1);
        }

        // Strict ASCII in lines of at most MaxLineLength: a byte outside it (or a NUL), or a line too
        // long, makes the whole manifest invalid before anything is made of it.
        private static void CheckText(byte[] data, int count)
        {
            int line = 1;
            int lineLength = 0;
            for (int i = 0; i < count; i++)
            {
                byte b = data[i];
                if (b == '\n')
                {
                    line++;
                    lineLength = 0;
                    continue;
                }

                if (b == '\r' && i + 1 < count && data[i + 1] == '\n')
                {
                    continue;
                }

                if (b < 0x20 || b > 0x7E)
                {
                    throw Invalid("The manifest contains a byte that is not printable ASCII (offset " + i.ToString() + ").");
                }

                if (++lineLength > MaxLineLength)
                {
                    throw Invalid("Manifest line " + line.ToString() + " is longer than " + MaxLineLength.ToString() + " characters.");
                }
            }
        }

        // The line starting at position, without its line feed (or CR LF); position moves past it.
        private static string NextLine(byte[] data, int count, ref int position)
        {
            int end = position;
            while (end < count && data[end] != '\n')
            {
                end++;
            }

            int length = end > position && data[end - 1] == '\r' && end < count ? end - position - 1 : end - position;
            char[] text = new char[length];
            for (int i = 0; i < length; i++)
            {
                text[i] = (char)data[position + i];
            }

            position = end < count ? end + 1 : end;
            return new string(text);
        }

        private static UpdateException Invalid(string message)
        {
            return new UpdateException(UpdateFailure.InvalidManifest, message);
        }
    }
}
