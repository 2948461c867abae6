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
                Console.WriteLine("provisioned " + files[i]);
            }
        }
    }
}
