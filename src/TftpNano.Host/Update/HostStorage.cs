using System.Runtime.InteropServices;
using TftpNano.Update;
using TftpNano.Update.Storage;

namespace TftpNano.Host.Update;

/// <summary>
/// A host folder standing in for the device's SD card, with the free space the host file system reports,
/// and every change durable before it is reported: files are flushed to the medium and, on Linux, the
/// folders whose entries change are synced too (a creation or a deletion is an entry of its folder).
/// </summary>
public sealed partial class HostStorage : FileSystemStorage
{
    // <fcntl.h> on Linux: O_RDONLY | O_DIRECTORY.
    private const int OpenDirectory = 0x10000;

    /// <summary>
    /// Uses a host folder, creating it when it does not exist.
    /// </summary>
    /// <param name="root">The folder; a relative path is taken from the current directory.</param>
    public HostStorage(string root)
        : base(Path.GetFullPath(root))
    {
    }

    /// <inheritdoc/>
    public override long GetFreeSpace() => new DriveInfo(Root).AvailableFreeSpace;

    /// <inheritdoc/>
    /// <remarks>.NET has no API to sync a folder, so this is open(2) and fsync(2) on Linux.</remarks>
    protected override void SyncFolder(string folder)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        int descriptor = Open(folder, OpenDirectory);
        if (descriptor < 0)
        {
            throw new IOException($"open {folder} failed: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"fsync {folder} failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int descriptor);
}
