using System.Text.RegularExpressions;
using TftpNano.Tests.Support;
using TftpNano.Update;
using TftpNano.Update.Manifest;

namespace TftpNano.Tests.Update;

/// <summary>
/// What "installed" promises on the host: before the updater reports an install, every file of the
/// release, the record and the folders whose entries changed have reached the medium (fsync), as
/// strace sees the real <c>tftpnano update</c> do it.
/// </summary>
public sealed partial class DurabilityTests : IDisposable
{
    private readonly ReleaseLab _lab = new();

    [PeerFact(Peers.Strace)]
    public void AnInstallReachesTheMediumBeforeItIsReported()
    {
        _lab.Publish("1.0", ("Drivers.pe", ReleaseLab.Content(41, 9_000)), ("Blinky.pe", ReleaseLab.Content(42, 5_000)));
        string root = Path.Combine(_lab.WorkspaceRoot, "card");
        string trace = Path.Combine(_lab.WorkspaceRoot, "fsync.log");
        string url = $"tftp://127.0.0.1:{_lab.Server.EndPoint.Port}/{ReleaseLab.ChannelName}";

        ProcessResult install = ProcessRunner.Run(Peers.Require(Peers.Strace), ["-f", "-y", "-e", "trace=fsync,fdatasync", "-o", trace,
            "dotnet", Path.Combine(AppContext.BaseDirectory, "tftpnano.dll"), "update", url, "--root", root, "--key", _lab.PublicKeyPath],
            TimeSpan.FromMinutes(2), _lab.WorkspaceRoot);

        Assert.True(install.ExitCode == 0, install.StandardError);
        string[] synced = SyncedPath().Matches(File.ReadAllText(trace)).Select(m => m.Groups["path"].Value).Distinct().ToArray();
        string full = Path.GetFullPath(root);

        // Each file of the release, the record, and the folders whose entries the writes and deletions changed.
        string release = Path.Combine(full, _lab.Inspect(root).State.Active!);
        Assert.Contains(Path.Combine(release, "Drivers.pe"), synced);
        Assert.Contains(Path.Combine(release, "Blinky.pe"), synced);
        Assert.Contains(Path.Combine(release, ReleaseManifest.FileName), synced);
        Assert.Contains(synced, p => p.StartsWith(Path.Combine(full, "state"), StringComparison.Ordinal));
        Assert.Contains(release, synced);
        Assert.Contains(full, synced);
    }

    public void Dispose() => _lab.Dispose();

    // fsync(12</tmp/x/card/r1/Blinky.pe>) = 0
    [GeneratedRegex(@"f(?:data)?sync\(\d+<(?<path>[^>]+)>\) = 0")]
    private static partial Regex SyncedPath();
}
