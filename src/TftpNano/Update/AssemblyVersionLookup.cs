using System;

namespace TftpNano.Update
{
    /// <summary>
    /// Finds an assembly the boot app carries (loaded before any release is).
    /// </summary>
    /// <param name="name">The assembly's name, such as <c>mscorlib</c>.</param>
    /// <returns>Its version, or null when the boot app does not carry it.</returns>
    public delegate Version AssemblyVersionLookup(string name);
}
