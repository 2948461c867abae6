using System;
using System.IO;
using System.Reflection;
using TftpNano.Update;

namespace TftpNano.Device
{
    /// <summary>
    /// Starts a release: loads its assemblies in manifest order and calls its entry point.
    /// </summary>
    internal static class ReleaseLauncher
    {
        /// <summary>
        /// Loads and starts a release.
        /// </summary>
        /// <param name="folder">The release's folder on the drive.</param>
        /// <param name="manifest">Its manifest: the files in load order and the entry point.</param>
        public static void Start(string folder, ReleaseManifest manifest)
        {
            Type entryType = null;
            for (int i = 0; i < manifest.Files.Length; i++)
            {
                string name = manifest.Files[i].Name;
                if (!AsciiCase.EndsWith(name, ".pe"))
                {
                    continue;
                }

                Assembly assembly = Assembly.Load(File.ReadAllBytes(Path.Combine(folder, name)));
                Type candidate = assembly.GetType(manifest.EntryType);
                if (!(candidate is null))
                {
                    entryType = candidate;
                }
            }

            if (entryType is null)
            {
                throw new InvalidOperationException("No assembly of the release defines " + manifest.EntryType + ".");
            }

            MethodInfo entry = entryType.GetMethod(manifest.EntryMethod);
            if (entry is null || !entry.IsStatic)
            {
                throw new InvalidOperationException(manifest.EntryType + " has no static method " + manifest.EntryMethod + ".");
            }

            entry.Invoke(null, null);
        }
    }
}
