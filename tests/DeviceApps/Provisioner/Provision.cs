namespace Provisioner
{
    /// <summary>
    /// What to write: pairs of a full path and its text.
    /// </summary>
    /// <remarks>
    /// Empty here: the device-in-the-loop tests write this file, with the settings of the device they
    /// are about to boot, into their own copy of the project before they build it.
    /// </remarks>
    internal static class Provision
    {
        /// <summary>
        /// Gets the files: a path, then its text, for each.
        /// </summary>
        public static readonly string[] Files = new string[0];
    }
}
