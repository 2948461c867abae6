using System;

namespace TftpNano.Boot
{
    /// <summary>
    /// The nanoFramework firmware lines a boot app can run on, told apart by the System.Net it carries.
    /// </summary>
    /// <remarks>
    /// A board loads a library with native code only when the library's native checksum equals the
    /// firmware's, so the System.Net that the running boot app carries names the line of the firmware
    /// under it. nf-interpreter changed System.Net's native table on 2026-07-10 (commit 47ef80bdf):
    /// firmware built before that takes System.Net 1.11.54 (native checksum 0x6DFA71D6), firmware built
    /// after it 1.11.60 (0x8EFB9944). System.IO.FileSystem 1.1.93 (0x1777E2FE) loads on both.
    /// </remarks>
    public static class FirmwareLine
    {
        /// <summary>The line of firmware built before 2026-07-10.</summary>
        public const string June2026 = "2026-06";

        /// <summary>The line of firmware built after 2026-07-10.</summary>
        public const string July2026 = "2026-07";

        /// <summary>The line this TftpNano is built against: its boot app runs on firmware of this line.</summary>
        public const string Current = July2026;

        /// <summary>The native checksum of the System.IO.FileSystem both lines take, as a report writes it.</summary>
        public const string FileSystemChecksum = "0x1777E2FE";

        /// <summary>
        /// Gets the line of the firmware a boot app runs on, from the version of the System.Net it carries.
        /// </summary>
        /// <param name="systemNet">The System.Net assembly's version, or null.</param>
        /// <returns>The line, or null for a version no known line takes.</returns>
        public static string OfSystemNet(Version systemNet)
        {
            if (systemNet == null || systemNet.Major != 1 || systemNet.Minor != 11)
            {
                return null;
            }

            if (systemNet.Build == 54)
            {
                return June2026;
            }

            return systemNet.Build == 60 ? July2026 : null;
        }

        /// <summary>
        /// Gets the System.Net native checksum of a line, as a report writes it.
        /// </summary>
        /// <param name="line">The line.</param>
        /// <returns>The checksum, or null for an unknown line.</returns>
        public static string SystemNetChecksum(string line)
        {
            if (line == June2026)
            {
                return "0x6DFA71D6";
            }

            return line == July2026 ? "0x8EFB9944" : null;
        }
    }
}
