using System.Reflection;

namespace TftpNano.Boot
{
    /// <summary>
    /// Loads an assembly from its image: <c>Assembly.Load</c> on a device.
    /// </summary>
    /// <param name="image">The assembly's bytes (a <c>.pe</c> file on nanoFramework).</param>
    /// <returns>The loaded assembly.</returns>
    public delegate Assembly AssemblyLoader(byte[] image);
}
