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

        /// <summary>
        /// Gets, for each file, the length to pad it to with comment lines, or 0 to write its text alone:
        /// a file larger than the heap is written without ever being held in it.
        /// </summary>
        public static readonly int[] PaddedLengths = new int[0];
    }
}
