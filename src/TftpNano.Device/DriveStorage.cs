using System.IO;
using TftpNano.Update;

namespace TftpNano.Device
{
    /// <summary>
    /// Release storage on a nanoFramework drive, with the free space the drive has left.
    /// </summary>
    /// <remarks>
    /// nanoFramework reports a drive's size but not its free space, so the free space is the size less
    /// the length of every file on the drive. Cluster slack makes that an overestimate of up to a
    /// cluster per file, which the updater's write checks still catch.
    /// </remarks>
    internal sealed class DriveStorage : FileSystemStorage
    {
        private readonly string _drive;

        /// <summary>
        /// Uses a folder on a drive, creating it when needed.
        /// </summary>
        /// <param name="root">The folder, for example <c>D:\tftpnano</c>.</param>
        public DriveStorage(string root)
            : base(root)
        {
            _drive = Path.GetPathRoot(root);
        }

        /// <inheritdoc/>
        public override long GetFreeSpace()
        {
            return new DriveInfo(_drive).TotalSize - UsedBytes(_drive);
        }

        private static long UsedBytes(string folder)
        {
            long used = 0;
            string[] files = Directory.GetFiles(folder);
            for (int i = 0; i < files.Length; i++)
            {
                FileStream file = new FileStream(files[i], FileMode.Open, FileAccess.Read);
                used += file.Length;
                file.Close();
            }

            string[] folders = Directory.GetDirectories(folder);
            for (int i = 0; i < folders.Length; i++)
            {
                used += UsedBytes(folders[i]);
            }

            return used;
        }
    }
}
