using System.Net;
using TftpNano.Cli.Net;
using TftpNano.Host.Net;
using TftpNano.Host.Server;
using TftpNano.Tests.Support;
using TftpNano.Transfer;

namespace TftpNano.Tests.Interop;

/// <summary>How a download asks.</summary>
public enum RequestMode
{
    /// <summary>No options: 512-byte blocks, one per ACK (RFC 1350).</summary>
    Plain,

    /// <summary>blksize 1468, windowsize 1: lock-step with large blocks.</summary>
    LockStep,

    /// <summary>blksize 1468, windowsize 16 (RFC 7440).</summary>
    Windowed,

    /// <summary>blksize 512, windowsize 16: many blocks per window, for the wrap past 65535.</summary>
    WindowedSmallBlocks,
}

/// <summary>
/// The download engine against real servers on loopback, every size in every mode each supports,
/// compared byte for byte.
/// </summary>
public class ServerInteropTests(PeerServersFixture peers) : IClassFixture<PeerServersFixture>
{
    public static TheoryData<RequestMode, long> LockStepCases => Cases(RequestMode.Plain, RequestMode.LockStep);

    public static TheoryData<RequestMode, long> AllCases =>
        Cases(RequestMode.Plain, RequestMode.LockStep, RequestMode.Windowed, RequestMode.WindowedSmallBlocks);

    [PeerTheory(Peers.TftpdHpa)]
    [MemberData(nameof(LockStepCases))]
    public void TftpdHpa(RequestMode mode, long size) => Check(peers.Get(Peers.TftpdHpa).EndPoint, mode, size);

    [PeerTheory(Peers.Dnsmasq)]
    [MemberData(nameof(LockStepCases))]
    public void Dnsmasq(RequestMode mode, long size) => Check(peers.Get(Peers.Dnsmasq).EndPoint, mode, size);

    [PeerTheory(Peers.Atftpd)]
    [MemberData(nameof(AllCases))]
    public void Atftpd(RequestMode mode, long size) => Check(peers.Get(Peers.Atftpd).EndPoint, mode, size);

    [Theory]
    [MemberData(nameof(AllCases))]
    public void EmbeddedServer(RequestMode mode, long size)
    {
        using var server = new TftpNano.Host.Server.TftpServer(peers.Folder, new IPEndPoint(IPAddress.Loopback, 0));
        server.Start();
        Check(server.LocalEndPoint, mode, size);
    }

    internal static TftpDownloadSettings SettingsFor(RequestMode mode) => mode switch
    {
        RequestMode.Plain => new TftpDownloadSettings { UseOptions = false },
        RequestMode.LockStep => new TftpDownloadSettings { BlockSize = 1468, WindowSize = 1 },
        RequestMode.Windowed => new TftpDownloadSettings { BlockSize = 1468, WindowSize = 16 },
        _ => new TftpDownloadSettings { BlockSize = 512, WindowSize = 16 },
    };

    private static TheoryData<RequestMode, long> Cases(params RequestMode[] modes)
    {
        var data = new TheoryData<RequestMode, long>();
        foreach (RequestMode mode in modes)
        {
            // Small blocks in a window only matter for the wrap; the other sizes are covered above.
            foreach (long size in mode == RequestMode.WindowedSmallBlocks ? [PeerServersFixture.MoreThan65535Blocks] : PeerServersFixture.Sizes)
            {
                data.Add(mode, size);
            }
        }

        return data;
    }

    private static void Check(IPEndPoint server, RequestMode mode, long size)
    {
        TftpDownloadSettings settings = SettingsFor(mode);
        var download = new TftpDownload(HostUdpTransportFactory.Instance, settings);
        var destination = new VerifyingStream(PeerServersFixture.SeedOf(size));
        long written = download.Run(server, PeerServersFixture.NameOf(size), destination);

        Assert.Equal(size, written);
        Assert.Equal(size, destination.Position);
        Assert.Equal(-1, destination.FirstMismatch);
        int blockSize = settings.UseOptions ? settings.BlockSize : 512;
        Assert.Equal(blockSize, download.BlockSize);
        Assert.Equal((size / blockSize) + 1, download.Statistics.BlocksWritten);
        if (settings.UseOptions)
        {
            Assert.Equal(size, download.TransferSize);
        }
    }
}
