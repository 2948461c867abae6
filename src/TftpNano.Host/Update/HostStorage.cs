using TftpNano.Update;
using TftpNano.Update.Storage;

namespace TftpNano.Host.Update;

/// <summary>
/// A host folder standing in for the device's SD card, with the free space the host file system reports,
/// and every change durable before it is reported: files are flushed to the medium and, on Linux, the
/// folders whose entries change are synced too (a creation or a deletion is an entry of its folder).
/// </summary>
public sealed class HostStorage : FileSystemStorage
{
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
    protected override void SyncFolder(string folder)
    {
        if (OperatingSystem.IsLinux())
        {
            LinuxFiles.SyncFolder(folder);
        }
    }
}
