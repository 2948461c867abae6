namespace TftpNano.Update.Manifest
{
    /// <summary>
    /// An assembly a release references but does not ship: the boot app must carry it, at this major and
    /// minor version, because nanoFramework binds references by name and major.minor.
    /// </summary>
    public sealed class RequiredAssembly
    {
        /// <summary>
        /// Creates a requirement.
        /// </summary>
        /// <param name="name">The assembly's name, such as <c>mscorlib</c>.</param>
        /// <param name="major">Its major version.</param>
        /// <param name="minor">Its minor version.</param>
        public RequiredAssembly(string name, int major, int minor)
        {
            Name = name;
            Major = major;
            Minor = minor;
        }

        /// <summary>
        /// Gets the assembly's name.
        /// </summary>
        public string Name { get; }

        /// <summary>
        /// Gets the major version it must have.
        /// </summary>
        public int Major { get; }

        /// <summary>
        /// Gets the minor version it must have.
        /// </summary>
        public int Minor { get; }

        /// <summary>
        /// Returns the requirement as the manifest writes it: the name and major.minor.
        /// </summary>
        /// <returns>For example <c>mscorlib 1.17</c>.</returns>
        public override string ToString()
        {
            return Name + " " + Major.ToString() + "." + Minor.ToString();
        }
    }
}
