namespace TftpNano.Tests.Support;

/// <summary>
/// A temporary folder readable by every user, as the peer servers drop their privileges.
/// </summary>
internal sealed class Workspace : IDisposable
{
    public Workspace()
    {
        Root = Directory.CreateTempSubdirectory("tftpnano-test-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Root, (UnixFileMode)0x1ED); // rwxr-xr-x
        }
    }

    public string Root { get; }

    public string Folder(string name)
    {
        string path = Directory.CreateDirectory(Path.Combine(Root, name)).FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)0x1ED);
        }

        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
