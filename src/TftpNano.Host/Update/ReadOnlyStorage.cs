using TftpNano.Update;
using TftpNano.Update.Storage;

namespace TftpNano.Host.Update;

/// <summary>
/// A storage that can be read and never changed, for the commands that only look: what a boot would
/// repair (a leftover folder, a record to rewrite) is left for the device to do.
/// </summary>
internal sealed class ReadOnlyStorage(IUpdateStorage inner) : IUpdateStorage
{
    public bool FileExists(string path) => inner.FileExists(path);

    public string[] GetFolders() => inner.GetFolders();

    public Stream OpenRead(string path) => inner.OpenRead(path);

    public long GetFreeSpace() => inner.GetFreeSpace();

    public Stream CreateFile(string path, long length) => throw Refused("write " + path);

    public void CreateFolder(string path) => throw Refused("create " + path);

    public void DeleteFile(string path) => throw Refused("delete " + path);

    public void DeleteFolder(string path) => throw Refused("delete " + path);

    private static IOException Refused(string change) =>
        new($"The storage is only looked at here, and the next boot would {change}: boot the device (or run tftpnano update) first.");
}
