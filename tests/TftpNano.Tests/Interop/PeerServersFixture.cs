using System.Collections.Concurrent;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.Interop;

/// <summary>
/// One folder of test files, served by each real server on loopback, each started on first use.
/// </summary>
public sealed class PeerServersFixture : IDisposable
{
    /// <summary>The sizes every server is checked with.</summary>
    public static readonly long[] Sizes =
    [
        0, 1, 511, 512, 513,
        OneWindow,
        3 * 1024 * 1024,
        MoreThan65535Blocks,
    ];

    /// <summary>Exactly one window of 16 blocks of 1468 bytes.</summary>
    public const long OneWindow = 16 * 1468;

    /// <summary>65537 blocks of 512 bytes and a short one: the block number wraps past 65535.</summary>
    public const long MoreThan65535Blocks = (65537L * 512) + 1000;

    private readonly Workspace _workspace = new();
    private readonly ConcurrentDictionary<string, Lazy<PeerServer>> _servers = new();

    public PeerServersFixture()
    {
        Folder = _workspace.Folder("served");
        foreach (long size in Sizes)
        {
            string path = TestContent.WriteFile(Folder, NameOf(size), size, SeedOf(size));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, (UnixFileMode)0x1A4); // rw-r--r--
            }
        }
    }

    public string Folder { get; }

    public static string NameOf(long size) => $"file-{size}.bin";

    public static int SeedOf(long size) => (int)(size % 251);

    public PeerServer Get(string kind) =>
        _servers.GetOrAdd(kind, k => new Lazy<PeerServer>(() => PeerServer.Start(k, Folder, _workspace.Root))).Value;

    public void Dispose()
    {
        foreach (Lazy<PeerServer> server in _servers.Values.Where(s => s.IsValueCreated))
        {
            server.Value.Dispose();
        }

        _workspace.Dispose();
    }
}
