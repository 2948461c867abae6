using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TftpNano.Host.Net;
using TftpNano.Host.Update;
using TftpNano.Tests.Support;
using TftpNano.Update;

namespace TftpNano.Tests.Update;

/// <summary>
/// What a device reports and what it costs: the state derived from the store (trial, confirmation, a
/// rollback), and a server that never answers, which delays the boot by the one-second budget at most.
/// </summary>
public sealed class DeviceReportTests
{
    [Fact]
    public void ASilentServerCostsTheReportItsOneSecondBudgetAtMost()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var report = new DeviceReport { DeviceId = "dev-01", Event = "boot" };

        var clock = Stopwatch.StartNew();
        string? failure = report.Send(HostUdpTransportFactory.Instance, silent.LocalEndPoint!, 10);
        clock.Stop();

        Assert.Equal($"No answer from {silent.LocalEndPoint} for 'reports/dev-01' at the request within 1000 ms.", failure);
        Assert.InRange(clock.ElapsedMilliseconds, 900, 1500);

        // The request and its resends, and nothing else: the budget bounds the retries too.
        byte[] buffer = new byte[600];
        int requests = 0;
        while (silent.Available > 0)
        {
            silent.Receive(buffer);
            requests++;
        }

        Assert.InRange(requests, 2, 4);
    }

    [Fact]
    public void AnInvalidIdOrNoServerIsRefusedWithoutSendingAnything()
    {
        Assert.Equal("A device id has 1 to 64 characters.", new DeviceReport().Send(HostUdpTransportFactory.Instance, new IPEndPoint(IPAddress.Loopback, 9), 10));
        Assert.Equal("There is no server to report to.", new DeviceReport { DeviceId = "a" }.Send(HostUdpTransportFactory.Instance, null!, 10));
    }

    [Fact]
    public void TheStateComesFromTheStoreTrialConfirmationAndRollback()
    {
        using var lab = new ReleaseLab();
        lab.Publish("1.0.0", ("Blinky.pe", ReleaseLab.Content(1, 2000)));
        UpdateResult installed = lab.Boot(confirm: true);
        DeviceReport report = DeviceReport.Describe("dev-01", "boot", lab.Inspect(), 3, installed);
        Assert.Equal(("1.0.0", "confirmed", "installed", null), (report.Release, report.State, report.OutcomeWord, report.RolledBackFrom));
        Assert.True(report.FreeBytes > 0);
        Assert.Equal(typeof(DeviceReport).Assembly.GetName().Version!.ToString(), report.BootApp);

        // A release that never confirms: three starts on trial, then back to 1.0.0, and 2.0.0 is named.
        lab.Publish("2.0.0", ("Blinky.pe", ReleaseLab.Content(2, 2000)));
        UpdateResult result = lab.Boot();
        Assert.Equal("trial 1 of 3", DeviceReport.Describe("dev-01", "boot", lab.Inspect(), 3, result).State);
        for (int start = 2; start <= 4; start++)
        {
            result = lab.Boot();
        }

        report = DeviceReport.Describe("dev-01", "boot", lab.Inspect(), 3, result);
        Assert.Equal(("1.0.0", "confirmed", "2.0.0"), (report.Release, report.State, report.RolledBackFrom));

        // A newer release installed since: the rollback is history, and no longer reported.
        lab.Publish("3.0.0", ("Blinky.pe", ReleaseLab.Content(3, 2000)));
        result = lab.Boot(confirm: true);
        report = DeviceReport.Describe("dev-01", "boot", lab.Inspect(), 3, result);
        Assert.Equal(("3.0.0", "confirmed", null), (report.Release, report.State, report.RolledBackFrom));
    }
}
