using System.Collections.Concurrent;
using System.Net;
using TftpNano.Host.Server;
using TftpNano.Host.Update;
using TftpNano.Tests.Support;
using TftpNano.Update.Manifest;

namespace TftpNano.Tests.Host;

/// <summary>
/// The README's example of a service hosting the library, on loopback: publish a signed release, serve
/// it, and fetch it as a device's client would.
/// </summary>
public sealed class HostLibraryTests : IDisposable
{
    private readonly Workspace _workspace = new();

    [Fact]
    public void AServiceSignsPublishesAndServesAReleaseThroughTheLibraryAlone()
    {
        string root = _workspace.Folder("srv");
        string channel = Path.Combine(root, "fw", "stable");
        Directory.CreateDirectory(channel);
        byte[] blinky = ReleaseLab.Content(5, 5000);
        File.WriteAllBytes(Path.Combine(channel, "Blinky.pe"), blinky);

        var (privateKey, publicKey) = SigningKey.Generate(Path.Combine(_workspace.Root, "fleet"), 2048);
        ReleaseManifest published = ReleasePublisher.Publish(channel, "fw/stable", "1.4.2", "Blinky.Program.Main", [], privateKey);
        var finished = new ConcurrentQueue<TransferRecord>();
        using var server = new TftpServer(root, new IPEndPoint(IPAddress.Loopback, 0),
            new TftpServerSettings { MaxTransfers = 64, MaxTransfersPerClient = 8 });
        server.TransferFinished += finished.Enqueue;
        server.Start();

        var client = new TftpClient(server.LocalEndPoint.Address, server.LocalEndPoint.Port);
        var manifest = new MemoryStream();
        var signature = new MemoryStream();
        var file = new MemoryStream();
        client.Download("fw/stable/manifest", manifest);
        client.Download("fw/stable/manifest.sig", signature);
        client.Download("fw/stable/Blinky.pe", file);

        Assert.Equal(published.ToBytes(), manifest.ToArray());
        Assert.True(SigningKey.ReadPublic(publicKey).VerifySha256(TftpNano.Security.Sha256.Hash(manifest.ToArray(), 0, (int)manifest.Length), signature.ToArray()));
        Assert.Equal(blinky, file.ToArray());
        Assert.True(server.WaitForFinishedTransfers(3, TimeSpan.FromSeconds(10)));
        Assert.Equal(3, finished.Count(t => t.Completed));
    }

    public void Dispose() => _workspace.Dispose();
}
