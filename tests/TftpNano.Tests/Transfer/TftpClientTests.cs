using System.Net;
using TftpNano.Protocol;
using TftpNano.Tests.Support;
using TftpNano.Transfer;

namespace TftpNano.Tests.Transfer;

/// <summary>
/// The application's download call, <see cref="TftpClient"/>, against real servers on loopback: the
/// bytes, the server's refusal with its code and text, progress and cancellation.
/// </summary>
public sealed class TftpClientTests
{
    private const int FileSize = 300 * 1024;

    [PeerFact(Peers.TftpdHpa)]
    public void DownloadsAFileFromTftpdHpaByteForByte()
    {
        using var workspace = new Workspace();
        string root = workspace.Folder("served");
        byte[] content = TestContent.Create(FileSize, seed: 5);
        File.WriteAllBytes(Path.Combine(root, "firmware.bin"), content);
        using PeerServer server = PeerServer.Start(Peers.TftpdHpa, root, workspace.Root);
        var client = new TftpClient(server.EndPoint.Address, server.EndPoint.Port);
        var destination = new MemoryStream();

        long written = client.Download("firmware.bin", destination);

        Assert.Equal(FileSize, written);
        Assert.Equal(content, destination.ToArray());
    }

    [Fact]
    public void ReportsProgressUpToTheAnnouncedSizeWithTheSettingsGiven()
    {
        using var server = new EmbeddedServer();
        server.AddFile("app.pe", FileSize, seed: 9);
        var client = new TftpClient(IPAddress.Loopback, server.EndPoint.Port);
        var destination = new VerifyingStream(9);
        var reports = new List<(long Bytes, long Total)>();

        long written = client.Download("app.pe", destination, new TftpDownloadSettings { BlockSize = 512, WindowSize = 8 },
            (bytes, total) => reports.Add((bytes, total)), CancellationToken.None);

        Assert.Equal(FileSize, written);
        Assert.Equal(-1, destination.FirstMismatch);
        Assert.Equal(FileSize / 512 + 1, reports.Count);
        Assert.Equal((FileSize, (long)FileSize), reports[^1]);
        Assert.Equal(512, server.SingleRecord().BlockSize);
    }

    [PeerFact(Peers.TftpdHpa)]
    public void AMissingFileThrowsWithTheServersCodeAndText()
    {
        using var workspace = new Workspace();
        using PeerServer server = PeerServer.Start(Peers.TftpdHpa, workspace.Folder("served"), workspace.Root);
        var client = new TftpClient(server.EndPoint.Address, server.EndPoint.Port);

        var failure = Assert.Throws<TftpException>(() => client.Download("missing.bin", new MemoryStream()));

        Assert.Equal(TftpFailure.RemoteError, failure.Failure);
        Assert.Equal(TftpErrorCode.FileNotFound, failure.ErrorCode);
        Assert.Equal("File not found", failure.ServerMessage);
        Assert.Contains("missing.bin", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CancellingStopsTheTransferAndTellsTheServer()
    {
        using var server = new EmbeddedServer();
        server.AddFile("big.bin", 4 * 1024 * 1024);
        var client = new TftpClient(IPAddress.Loopback, server.EndPoint.Port);
        using var cancellation = new CancellationTokenSource();
        var destination = new MemoryStream();

        var failure = Assert.Throws<TftpException>(() => client.Download("big.bin", destination, null,
            (bytes, _) =>
            {
                if (bytes >= 64 * 1024)
                {
                    cancellation.Cancel();
                }
            },
            cancellation.Token));

        Assert.Equal(TftpFailure.Canceled, failure.Failure);
        Assert.InRange(destination.Length, 64 * 1024, 1024 * 1024);
        Assert.False(server.SingleRecord().Completed);
    }

    [Fact]
    public void AnAlreadyCanceledTokenSendsNothing()
    {
        using var server = new EmbeddedServer();
        server.AddFile("app.pe", 1000);
        var client = new TftpClient(IPAddress.Loopback, server.EndPoint.Port);

        var failure = Assert.Throws<TftpException>(() => client.Download("app.pe", new MemoryStream(), null, null, new CancellationToken(true)));

        Assert.Equal(TftpFailure.Canceled, failure.Failure);
        Assert.False(server.Server.WaitForFinishedTransfers(1, TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public void OneClientServesSeveralDownloadsInARow()
    {
        using var server = new EmbeddedServer();
        server.AddFile("a.bin", 10_000, seed: 1);
        server.AddFile("b.bin", 20_000, seed: 2);
        var client = new TftpClient(IPAddress.Loopback, server.EndPoint.Port);

        Assert.Equal(10_000, client.Download("a.bin", new VerifyingStream(1)));
        Assert.Equal(20_000, client.Download("b.bin", new VerifyingStream(2)));
    }

    [Fact]
    public void RefusesAMissingServerOrAPortOutOfRange()
    {
        Assert.Throws<ArgumentNullException>(() => new TftpClient(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TftpClient(IPAddress.Loopback, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TftpClient(IPAddress.Loopback, 65536));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 69), new TftpClient(IPAddress.Loopback).Server);
    }
}
