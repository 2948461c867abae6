using System;
using System.IO;
using System.Reflection;
using System.Threading;
using TftpNano.Text;
using TftpNano.Update;
using TftpNano.Update.Manifest;
using TftpNano.Update.Storage;

namespace TftpNano.Boot
{
    /// <summary>
    /// Starts a release: loads its assemblies in manifest order and calls its entry point.
    /// </summary>
    /// <remarks>
    /// A failed start counts as a failed trial start, so a load that fails for a passing reason must
    /// not roll back a good release. On an ESP32, <c>Assembly.Load</c> right after a file was read
    /// fails now and then (nanoframework/Home#968); the firmware's over-the-air sample reads, closes
    /// and disposes the file and waits 20 ms before it loads. So every file is read whole and closed
    /// first, then, after that pause, each image is loaded, and a failed load is tried once more after
    /// another pause before the start counts as failed.
    /// </remarks>
    public sealed class ReleaseStarter
    {
        /// <summary>
        /// The pause between reading the files and loading them, and before a second attempt.
        /// </summary>
        public const int LoadPauseMs = 20;

        private readonly IUpdateStorage _storage;
        private readonly AssemblyLoader _load;
        private readonly UpdateLogHandler _log;

        /// <summary>
        /// Creates a starter.
        /// </summary>
        /// <param name="storage">The storage the release lives in.</param>
        /// <param name="load">What loads an assembly image.</param>
        /// <param name="log">Where to say what went wrong.</param>
        public ReleaseStarter(IUpdateStorage storage, AssemblyLoader load, UpdateLogHandler log)
        {
            _storage = storage;
            _load = load;
            _log = log;
        }

        /// <summary>
        /// Loads a release and calls its entry point, which returns once the application started its threads.
        /// </summary>
        /// <param name="folder">The release's folder in the storage.</param>
        /// <param name="manifest">Its manifest: the files in load order and the entry point.</param>
        /// <exception cref="InvalidOperationException">An assembly did not load twice in a row, or the entry point is missing.</exception>
        // Types found by name in assemblies loaded at run time: trimming analysis cannot follow them,
        // and the host tool, which is trimmed, never starts a release.
#pragma warning disable IL2026, IL2075
        public void Start(string folder, ReleaseManifest manifest)
        {
            string[] names = AssemblyFiles(manifest);
            byte[][] images = new byte[names.Length][];
            for (int i = 0; i < names.Length; i++)
            {
                images[i] = ReadWhole(ReleaseStore.PathOf(folder, names[i]));
                if (HasNativeMethods(images[i]))
                {
                    throw new InvalidOperationException(names[i] + " has native methods, which the firmware binds only for the "
                        + "assemblies deployed with the boot app: it must be part of the boot app, not of a release.");
                }
            }

            Thread.Sleep(LoadPauseMs);
            Type entryType = null;
            for (int i = 0; i < images.Length; i++)
            {
                Assembly assembly = Load(names[i], images[i]);
                images[i] = null;
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
#pragma warning restore IL2026, IL2075

        // The header's checksum of native method signatures (offset 20 of nanoFramework's
        // CLR_RECORD_ASSEMBLY) is 0 for an assembly without native methods. The firmware binds native
        // methods when it loads its deployment at start, and Assembly.Load(byte[]) links without them
        // (nf-interpreter, corlib_native_System_Reflection_Assembly.cpp), so their first call would
        // throw NotSupportedException in the middle of the application.
        private static bool HasNativeMethods(byte[] image)
        {
            return image.Length >= 24 && image[0] == (byte)'N' && image[1] == (byte)'F' && image[2] == (byte)'M' && image[3] == (byte)'R'
                && (image[20] | image[21] | image[22] | image[23]) != 0;
        }

        private static string[] AssemblyFiles(ReleaseManifest manifest)
        {
            int count = 0;
            for (int i = 0; i < manifest.Files.Length; i++)
            {
                if (AsciiCase.EndsWith(manifest.Files[i].Name, ".pe"))
                {
                    count++;
                }
            }

            string[] names = new string[count];
            count = 0;
            for (int i = 0; i < manifest.Files.Length; i++)
            {
                if (AsciiCase.EndsWith(manifest.Files[i].Name, ".pe"))
                {
                    names[count++] = manifest.Files[i].Name;
                }
            }

            return names;
        }

        private Assembly Load(string name, byte[] image)
        {
            try
            {
                return _load(image);
            }
            catch (Exception first)
            {
                _log("loading " + name + " failed (" + ExceptionText.Describe(first) + "); trying once more.");
            }

            Thread.Sleep(LoadPauseMs);
            try
            {
                return _load(image);
            }
            catch (Exception second)
            {
                throw new InvalidOperationException(name + " did not load, twice: " + ExceptionText.Describe(second), second);
            }
        }

        private byte[] ReadWhole(string path)
        {
            Stream source = _storage.OpenRead(path);
            try
            {
                byte[] image = new byte[(int)source.Length];
                int count = 0;
                int read;
                while (count < image.Length && (read = source.Read(image, count, image.Length - count)) > 0)
                {
                    count += read;
                }

                if (count != image.Length)
                {
                    throw new InvalidOperationException(path + " ended after " + count.ToString() + " of " + image.Length.ToString() + " bytes.");
                }

                return image;
            }
            finally
            {
                source.Close();
                source.Dispose();
            }
        }
    }
}
