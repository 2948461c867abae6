using System.Diagnostics;
using System.Net;
using TftpNano.Cli.Net;
using TftpNano.Host.Net;
using TftpNano.Host.Relay;
using TftpNano.Protocol;
using TftpNano.Tests.Support;
using TftpNano.Transfer;
using Xunit.Abstractions;

namespace TftpNano.Tests.Robustness;

/// <summary>
/// Downloads through an emulated link with 2 ms round trips and loss, duplication or reordering, from
/// tftpd-hpa (lock-step: it takes no windowsize), atftpd and the embedded server (windowed).
/// </summary>
/// <remarks>
/// Every download must be byte-exact, and the datagrams both sides sent must stay within a small
/// factor of the minimum the loss rate requires: one datagram per block and per ACK, divided by the
/// chance of getting through. A Sorcerer's Apprentice blow-up, or retransmission on every duplicate,
/// would exceed it many times over.
/// </remarks>
public class ImpairedLinkTests(ImpairedLinkFixture fixture, ITestOutputHelper output) : IClassFixture<ImpairedLinkFixture>
{
    private const double RetransmissionFactor = 4;
    private static readonly TimeSpan OneWay = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    public static TheoryData<double> LossRates => new(0.01, 0.05, 0.20);

    [PeerTheory(Peers.TftpdHpa)]
    [MemberData(nameof(LossRates))]
    public void LossWithTftpdHpa(double loss) => CheckLoss(Peers.TftpdHpa, loss);

    [PeerTheory(Peers.Atftpd)]
    [MemberData(nameof(LossRates))]
    public void LossWithAtftpd(double loss) => CheckLoss(Peers.Atftpd, loss);

    [Theory]
    [MemberData(nameof(LossRates))]
    public void LossWithEmbeddedServer(double loss) => CheckLoss(ImpairedLinkFixture.Embedded, loss);

    [PeerTheory(Peers.TftpdHpa, Peers.Atftpd)]
    [InlineData(Peers.TftpdHpa)]
    [InlineData(Peers.Atftpd)]
    [InlineData(ImpairedLinkFixture.Embedded)]
    public void Duplication(string server)
    {
        LinkRun run = Run(server, new LinkProfile(OneWay, TimeSpan.Zero, 0, 0.10, 0));
        AssertExact(run);
        Assert.True(run.Download.Statistics.DuplicateBlocks > 0, "the link duplicated DATA, so some must have been ignored");
        AssertBoundedRetransmission(run, 0);
    }

    [PeerTheory(Peers.TftpdHpa, Peers.Atftpd)]
    [InlineData(Peers.TftpdHpa)]
    [InlineData(Peers.Atftpd)]
    [InlineData(ImpairedLinkFixture.Embedded)]
    public void ReorderingByJitter(string server)
    {
        // A 100 Mbit/s link spaces full blocks about 120 us apart, so a jitter of 0.2 ms swaps
        // neighbours now and then, as a busy wireless link does.
        LinkRun run = Run(server, new LinkProfile(OneWay, TimeSpan.FromMilliseconds(0.2), 0, 0, 100_000_000 / 8));
        AssertExact(run);

        // Without a reorder buffer (the device has none to spare) every swap costs a restart, so
        // only the per-recovery bound holds here.
        AssertBoundedRetransmission(run, 0, minimumFactor: false);
    }

    [PeerTheory(Peers.TftpdHpa, Peers.Atftpd)]
    [InlineData(Peers.TftpdHpa)]
    [InlineData(Peers.Atftpd)]
    [InlineData(ImpairedLinkFixture.Embedded)]
    public void LostFinalAcknowledgementStillCompletes(string server)
    {
        // The image is 179 blocks of 1468 bytes: block 179 is the short final one.
        int dropped = 0;
        LinkRun run = ImpairedLinkFixture.Download(fixture.Server(server), new LinkProfile(OneWay, TimeSpan.Zero, 0, 0, 0),
            Settings(), seed: 3, drop: (datagram, toServer) => toServer && IsAcknowledgement(datagram.Span, 179)
                && Interlocked.Increment(ref dropped) == 1);

        AssertExact(run);
        Assert.Equal(1, dropped);
    }

    [PeerFact(Peers.Atftpd)]
    public void ServerThatDiesMidTransferFailsCleanlyInBoundedTime()
    {
        using var workspace = new Workspace();
        using PeerServer atftpd = PeerServer.Start(Peers.Atftpd, fixture.Folder, workspace.Root);
        using var relay = new LinkEmulator(atftpd.EndPoint, new LinkProfile(OneWay, TimeSpan.Zero, 0, 0, 0),
            new LinkProfile(OneWay, TimeSpan.Zero, 0, 0, 0), seed: 5);
        relay.Start();
        var download = new TftpDownload(HostUdpTransportFactory.Instance, Settings());
        download.Progress += (bytes, _) =>
        {
            if (bytes >= 64 * 1024)
            {
                atftpd.Dispose();
            }
        };

        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<TftpException>(() => download.Run(relay.LocalEndPoint, ImpairedLinkFixture.Image, new VerifyingStream(11)));
        output.WriteLine($"failed after {clock.Elapsed.TotalSeconds:0.0} s: {e.Message}");

        Assert.Equal(TftpFailure.TimedOut, e.Failure);
        Assert.Contains("at block", e.Message);
        // Eleven timeouts backing off from tens of milliseconds to the 4 s ceiling, plus their spread.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.Contains($"after {new TftpDownloadSettings().MaxRetries + 1} timeouts", e.Message);
    }

    [Fact]
    public void ServerThatNeverAnswersFailsCleanlyInBoundedTime()
    {
        var settings = new TftpDownloadSettings { InitialTimeoutMs = 100, MaxRetries = 3 };
        var clock = Stopwatch.StartNew();
        LinkRun run = ImpairedLinkFixture.Download(fixture.Server(ImpairedLinkFixture.Embedded),
            new LinkProfile(OneWay, TimeSpan.Zero, 1.0, 0, 0), settings, seed: 1);

        var e = Assert.IsType<TftpException>(run.Error);
        Assert.Equal(TftpFailure.TimedOut, e.Failure);
        Assert.Contains("the request", e.Message);
        Assert.Equal(4, run.ToServer.Received);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    private static TftpDownloadSettings Settings() => new() { WindowSize = 16 };

    private static bool IsAcknowledgement(ReadOnlySpan<byte> datagram, int block) =>
        datagram.Length == 4 && datagram[1] == (byte)TftpOpcode.Acknowledgement && ((datagram[2] << 8) | datagram[3]) == block;

    private void CheckLoss(string server, double loss)
    {
        LinkRun run = Run(server, new LinkProfile(OneWay, TimeSpan.Zero, loss, 0, 0));
        AssertExact(run);
        AssertBoundedRetransmission(run, loss);
    }

    private LinkRun Run(string server, LinkProfile link)
    {
        LinkRun run = ImpairedLinkFixture.Download(fixture.Server(server), link, Settings(), seed: 7);
        output.WriteLine($"{server} through {link}: {run.Error?.Message ?? "complete"} in {run.Elapsed.TotalMilliseconds:0} ms; "
            + $"window {run.Download.WindowSize}; to server {run.ToServer}; to client {run.ToClient}; "
            + $"timeouts {run.Download.Statistics.Timeouts}, gap ACKs {run.Download.Statistics.GapAcknowledgements}, "
            + $"duplicates {run.Download.Statistics.DuplicateBlocks}");
        return run;
    }

    private static void AssertExact(LinkRun run)
    {
        Assert.Null(run.Error);
        Assert.Equal(ImpairedLinkFixture.ImageSize, run.Destination.Position);
        Assert.Equal(-1, run.Destination.FirstMismatch);
        Assert.True(run.Elapsed < Bound, $"took {run.Elapsed}");
    }

    [Fact]
    public void TheRelayClosesSessionsThatWentIdle()
    {
        // A long-running relay used to keep every client's sockets and threads for good.
        using var relay = new LinkEmulator(fixture.Server(ImpairedLinkFixture.Embedded), LinkProfile.Perfect, LinkProfile.Perfect, seed: 1)
        {
            IdleTimeout = TimeSpan.FromMilliseconds(400),
        };
        relay.Start();
        var settings = new TftpDownloadSettings { WindowSize = 4 };
        new TftpDownload(HostUdpTransportFactory.Instance, settings).Run(relay.LocalEndPoint, ImpairedLinkFixture.FleetImage, Stream.Null);
        new TftpDownload(HostUdpTransportFactory.Instance, settings).Run(relay.LocalEndPoint, ImpairedLinkFixture.FleetImage, Stream.Null);
        Assert.Equal(2, relay.SessionCount);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (relay.SessionCount > 0 && watch.Elapsed < TimeSpan.FromSeconds(5))
        {
            Thread.Sleep(50);
        }

        Assert.Equal(0, relay.SessionCount);
        long bytes = new TftpDownload(HostUdpTransportFactory.Instance, settings).Run(relay.LocalEndPoint, ImpairedLinkFixture.FleetImage, Stream.Null);
        Assert.Equal(ImpairedLinkFixture.FleetImageSize, bytes);
    }

    private static void AssertBoundedRetransmission(LinkRun run, double loss, bool minimumFactor = true)
    {
        TftpTransferStatistics statistics = run.Download.Statistics;
        long blocks = statistics.BlocksWritten;
        int window = run.Download.WindowSize;
        double acknowledgements = Math.Ceiling((double)blocks / window) + 2;
        double minimum = (blocks + acknowledgements) / (1 - loss);
        long sent = run.ToServer.Received + run.ToClient.Received;
        Assert.True(!minimumFactor || sent <= RetransmissionFactor * minimum,
            $"{sent} datagrams sent; the minimum at {loss:P0} loss is {minimum:0}");

        // Every recovery (a gap ACK or a timeout), and every ACK the link delivered twice, makes the
        // server resend at most one window.
        long recoveries = statistics.GapAcknowledgements + statistics.Timeouts + run.ToServer.Duplicated;
        Assert.True(run.ToClient.Received <= blocks + 1 + ((recoveries + 1) * window),
            $"the server sent {run.ToClient.Received} datagrams for {blocks} blocks and {recoveries} recoveries");
    }
}
