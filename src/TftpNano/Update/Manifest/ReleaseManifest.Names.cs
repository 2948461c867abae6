using System;
using System.Collections;
using System.Text;
using TftpNano.Security;
using TftpNano.Text;

namespace TftpNano.Update.Manifest
{
    // The rules a manifest's names, channel, entry point and lists follow: the device and the host tool
    // check them with the same code.
    public sealed partial class ReleaseManifest
    {
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

        // A percentage from 0 to 100, and at most MaxDevices valid ids, each once.
        private static void CheckRollout(int percent, string[] devices)
        {
            if (percent < 0 || percent > 100)
            {
                throw Invalid("The rollout " + percent.ToString() + " is not a percentage from 0 to 100.");
            }

            if (devices.Length > MaxDevices)
            {
                throw Invalid("The manifest lists more than " + MaxDevices.ToString() + " devices.");
            }

            for (int i = 0; i < devices.Length; i++)
            {
                string problem = StagedRollout.CheckDeviceId(devices[i]);
                if (problem != null)
                {
                    throw Invalid(problem);
                }

                for (int j = 0; j < i; j++)
                {
                    if (devices[j] == devices[i])
                    {
                        throw Invalid("The device '" + devices[i] + "' is listed twice.");
                    }
                }
            }
        }
    }
}
