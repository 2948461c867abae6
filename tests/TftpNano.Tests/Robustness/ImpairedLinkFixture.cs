using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using TftpNano.Cli.Net;
using TftpNano.Host.Net;
using TftpNano.Host.Relay;
using TftpNano.Host.Server;
using TftpNano.Tests.Support;
using TftpNano.Transfer;

namespace TftpNano.Tests.Robustness;

/// <summary>What one download through an emulated link did.</summary>
public sealed record LinkRun(TftpDownload Download, VerifyingStream Destination, Exception? Error, TimeSpan Elapsed,
    LinkCounters ToServer, LinkCounters ToClient);

/// <summary>
/// Test images served by tftpd-hpa, atftpd and the embedded server, each started on first use, and
/// downloads of them through a <see cref="LinkEmulator"/>.
/// </summary>
public sealed class ImpairedLinkFixture : IDisposable
{
    public const string Embedded = "tftpnano";
    public const long ImageSize = 256 * 1024;
    public const string Image = "image.bin";

    private readonly Workspace _workspace = new();
    private readonly ConcurrentDictionary<string, Lazy<(IDisposable Owner, IPEndPoint EndPoint)>> _servers = new();

    public ImpairedLinkFixture()
    {
        Folder = _workspace.Folder("served");
        string path = TestContent.WriteFile(Folder, Image, ImageSize, seed: 11);
        string fleet = TestContent.WriteFile(Folder, FleetImage, FleetImageSize, seed: 12);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)0x1A4);
            File.SetUnixFileMode(fleet, (UnixFileMode)0x1A4);
        }
    }

    public const string FleetImage = "fleet.bin";
    public const long FleetImageSize = 1024 * 1024;

    public string Folder { get; }

    public string WorkspaceRoot => _workspace.Root;

    public IPEndPoint Server(string kind) => _servers.GetOrAdd(kind, k => new Lazy<(IDisposable, IPEndPoint)>(() =>
    {
        if (k == Embedded)
        {
            // Every client reaches the server through the relay, from the relay's one address: the fleet's
            // hundred devices would otherwise be one client over the per-address cap.
            var server = new TftpServer(Folder, new IPEndPoint(IPAddress.Loopback, 0),
                new TftpServerSettings { MaxTransfers = 128, MaxTransfersPerClient = 128 });
            server.Start();
            return (server, server.LocalEndPoint);
        }

        PeerServer peer = PeerServer.Start(k, Folder, _workspace.Root);
        return (peer, peer.EndPoint);
    })).Value.EndPoint;

    /// <summary>Downloads <paramref name="name"/> from <paramref name="server"/> through a link, checking every byte.</summary>
    public static LinkRun Download(IPEndPoint server, LinkProfile link, TftpDownloadSettings settings, int seed,
        string name = Image, int contentSeed = 11, Func<ReadOnlyMemory<byte>, bool, bool>? drop = null)
    {
        using var relay = new LinkEmulator(server, link, link, seed) { Drop = drop };
        relay.Start();
        var download = new TftpDownload(HostUdpTransportFactory.Instance, settings);
        var destination = new VerifyingStream(contentSeed);
        var clock = Stopwatch.StartNew();
        Exception? error = null;
        try
        {
            download.Run(relay.LocalEndPoint, name, destination);
        }
        catch (TftpException e)
        {
            error = e;
        }

        return new LinkRun(download, destination, error, clock.Elapsed, relay.ToServer, relay.ToClient);
    }

    public void Dispose()
    {
        foreach (var server in _servers.Values.Where(s => s.IsValueCreated))
        {
            server.Value.Owner.Dispose();
        }

        _workspace.Dispose();
    }
}
