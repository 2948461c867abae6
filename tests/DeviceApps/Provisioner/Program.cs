using System;
using System.IO;

namespace Provisioner
{
    /// <summary>
    /// Writes the files of <see cref="Provision.Files"/> to the virtual device's drives, as
    /// <c>nanoff --filedeployment</c> does for a board.
    /// </summary>
    public static class Program
    {
        /// <summary>
        /// Writes every file, replacing what was there, and names each on the console.
        /// </summary>
        public static void Main()
        {
            string[] files = Provision.Files;
            for (int i = 0; i + 1 < files.Length; i += 2)
            {
                string folder = Path.GetDirectoryName(files[i]);
                if (folder != null && folder.Length > 3 && !Directory.Exists(folder))
                {
                    Directory.CreateDirectory(folder);
                }

                File.WriteAllText(files[i], files[i + 1]);
                int padded = i / 2 < Provision.PaddedLengths.Length ? Provision.PaddedLengths[i / 2] : 0;
                if (padded > 0)
                {
                    Pad(files[i], padded);
                }

                Console.WriteLine("provisioned " + files[i]);
            }
        }

        // Appends 64-byte comment lines until the file has the length asked for.
        private static void Pad(string path, int length)
        {
            byte[] line = new byte[64];
            line[0] = (byte)'#';
            for (int i = 1; i < line.Length - 1; i++)
            {
                line[i] = (byte)'p';
            }

            line[line.Length - 1] = (byte)'\n';
            using (FileStream file = new FileStream(path, FileMode.Append, FileAccess.Write))
            {
                while (file.Length < length)
                {
                    int count = length - (int)file.Length < line.Length ? length - (int)file.Length : line.Length;
                    file.Write(line, 0, count);
                }
            }
        }
    }
}
