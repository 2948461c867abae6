using System;
using System.Collections;
using System.Text;
using TftpNano.Security;
using TftpNano.Text;

namespace TftpNano.Update.Manifest
{
    // Reading a manifest: strict, line by line, never holding more than one line besides the result.
    public sealed partial class ReleaseManifest
    {
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
            string first = AsciiText.ReadLine(data, count, ref position);
            if (first != Header + " " + FormatVersion.ToString())
            {
                throw Invalid("The manifest does not start with '" + Header + " " + FormatVersion.ToString() + "'.");
            }

            string channel = null;
            ReleaseVersion version = null;
            string entryType = null;
            string entryMethod = null;
            ArrayList needs = new ArrayList();
            int rollout = -1;
            ArrayList devices = new ArrayList();
            ArrayList files = new ArrayList();
            for (int i = 1; position < count; i++)
            {
                string line = AsciiText.ReadLine(data, count, ref position);
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
                else if (fields[0] == "rollout" && fields.Length == 2 && rollout < 0 && files.Count == 0)
                {
                    rollout = (int)DecimalText.Parse(fields[1], 0, 3);
                    if (rollout < 0 || rollout > 100)
                    {
                        throw Invalid(where + "'" + fields[1] + "' is not a percentage from 0 to 100.");
                    }
                }
                else if (fields[0] == "devices" && fields.Length >= 2 && files.Count == 0)
                {
                    for (int d = 1; d < fields.Length; d++)
                    {
                        devices.Add(fields[d]);
                    }

                    if (devices.Count > MaxDevices)
                    {
                        throw Invalid("The manifest lists more than " + MaxDevices.ToString() + " devices.");
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
            string[] deviceArray = new string[devices.Count];
            devices.CopyTo(deviceArray);
            int percent = rollout < 0 ? 100 : rollout;
            CheckRollout(percent, deviceArray);
            ReleaseFile[] fileArray = new ReleaseFile[files.Count];
            files.CopyTo(fileArray);
            CheckFiles(fileArray);
            return new ReleaseManifest(channel == null ? string.Empty : channel, version, entryType, entryMethod, needArray, percent,
                deviceArray, fileArray);
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

        private static UpdateException Invalid(string message)
        {
            return new UpdateException(UpdateFailure.InvalidManifest, message);
        }
    }
}
