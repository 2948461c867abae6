using System.Diagnostics;
using System.Net;
using TftpNano.Cli.Net;
using TftpNano.Host.Net;
using TftpNano.Host.Relay;
using TftpNano.Tests.Support;
using TftpNano.Transfer;
using Xunit.Abstractions;

namespace TftpNano.Tests.Robustness;

/// <summary>
/// A fleet that reboots at once: 100 devices fetch the same 1 MiB image through one emulated link
/// with 2 ms round trips and 1 % loss.
/// </summary>
public class FleetTests(ImpairedLinkFixture fixture, ITestOutputHelper output) : IClassFixture<ImpairedLinkFixture>
{
    private const int Devices = 100;
    private static readonly LinkProfile Link = new(TimeSpan.FromMilliseconds(1), TimeSpan.Zero, 0.01, 0, 0);

    [PeerFact(Peers.TftpdHpa)]
    public void HundredDevicesFromTftpdHpa() => Herd(Peers.TftpdHpa);

    [Fact]
    public void HundredDevicesFromTheEmbeddedServer() => Herd(ImpairedLinkFixture.Embedded);

    private void Herd(string server)
    {
        IPEndPoint endPoint = fixture.Server(server);
        using var relay = new LinkEmulator(endPoint, Link, Link, seed: 100);
        relay.Start();

        var results = new (VerifyingStream Destination, Exception? Error, TimeSpan Elapsed)[Devices];
        var threads = new Thread[Devices];
        using var start = new ManualResetEventSlim();
        var herd = Stopwatch.StartNew();
        for (int i = 0; i < Devices; i++)
        {
            int device = i;
            threads[i] = new Thread(() =>
            {
                var destination = new VerifyingStream(12);
                start.Wait();
                var clock = Stopwatch.StartNew();
                try
                {
                    new TftpDownload(HostUdpTransportFactory.Instance, new TftpDownloadSettings { WindowSize = 4 })
                        .Run(relay.LocalEndPoint, ImpairedLinkFixture.FleetImage, destination);
                    results[device] = (destination, null, clock.Elapsed);
                }
                catch (Exception e)
                {
                    results[device] = (destination, e, clock.Elapsed);
                }
            }) { IsBackground = true };
            threads[i].Start();
        }

        herd.Restart();
        start.Set();
        foreach (Thread thread in threads)
        {
            Assert.True(thread.Join(TimeSpan.FromMinutes(3)), "a device did not finish within 3 minutes");
        }

        TimeSpan wall = herd.Elapsed;
        TimeSpan[] times = results.Select(r => r.Elapsed).Order().ToArray();
        output.WriteLine($"{Devices} devices x {ImpairedLinkFixture.FleetImageSize / 1024} KiB from {server} through {Link}: "
            + $"whole herd {wall.TotalSeconds:0.0} s; per device median {times[Devices / 2].TotalSeconds:0.0} s, "
            + $"slowest {times[^1].TotalSeconds:0.0} s; to server {relay.ToServer}; to clients {relay.ToClient}");

        Assert.All(results, r =>
        {
            Assert.Null(r.Error);
            Assert.Equal(ImpairedLinkFixture.FleetImageSize, r.Destination.Position);
            Assert.Equal(-1, r.Destination.FirstMismatch);
        });
    }
}
