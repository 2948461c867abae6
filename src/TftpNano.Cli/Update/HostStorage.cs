using TftpNano.Update;

namespace TftpNano.Cli.Update;

/// <summary>
/// A host folder standing in for the device's SD card, with the free space the host file system reports.
/// </summary>
internal sealed class HostStorage : FileSystemStorage
{
    public HostStorage(string root)
        : base(Path.GetFullPath(root))
    {
    }

    /// <inheritdoc/>
    public override long GetFreeSpace() => new DriveInfo(Root).AvailableFreeSpace;
}
