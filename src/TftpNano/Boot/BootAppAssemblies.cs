using System;
using TftpNano.Text;
using TftpNano.Update;
using TftpNano.Update.Manifest;

namespace TftpNano.Boot
{
    /// <summary>
    /// The assemblies the boot app carries, as an update must see them once a release has been loaded
    /// in this power-up: the loaded assemblies less that release's own, which a successor may ship again.
    /// </summary>
    /// <remarks>
    /// Loaded assemblies are found with <c>Assembly.Load(name)</c>, and nanoFramework never unloads one:
    /// after a release started, or failed to start, its assemblies answer too, and without this
    /// the next release that ships them would be refused as shipping what the boot app carries.
    /// </remarks>
    internal sealed class BootAppAssemblies
    {
        private readonly AssemblyVersionLookup _loaded;
        private readonly ReleaseManifest _release;

        /// <summary>
        /// Sets the loaded assemblies apart from a release's.
        /// </summary>
        /// <param name="loaded">Finds any loaded assembly.</param>
        /// <param name="release">The release loaded in this power-up, or null when none was.</param>
        internal BootAppAssemblies(AssemblyVersionLookup loaded, ReleaseManifest release)
        {
            _loaded = loaded;
            _release = release;
        }

        /// <summary>
        /// Finds an assembly the boot app carries.
        /// </summary>
        /// <param name="name">The assembly's name.</param>
        /// <returns>Its version, or null when the boot app does not carry it.</returns>
        internal Version Find(string name)
        {
            if (_release != null)
            {
                for (int i = 0; i < _release.Files.Length; i++)
                {
                    if (AsciiCase.Equal(_release.Files[i].Name, name + ".pe"))
                    {
                        return null;
                    }
                }
            }

            return _loaded(name);
        }
    }
}
