using TftpNano.Tests.Support;
using TftpNano.Update;
using Xunit.Abstractions;

namespace TftpNano.Tests.DeviceInTheLoop;

/// <summary>
/// Power cuts during the report: the real boot app in the virtual ESP32, cut at IL instructions spread
/// over the report's own span (found in the interpreter: from the update's console line to the
/// report's), then booted normally. The installed release and its trial count are as if the report had
/// never been tried, and the server keeps a whole report.
/// </summary>
public sealed class ReportPowerCutTests(ITestOutputHelper output)
{
    private const int Cuts = 8;
    private const string Updated = "update: Up to date: release 1.0.0.";
    private const string Reported = "report: written to";

    [NanoKitFact]
    public void AReportCutAtAnyInstructionChangesNeitherTheReleaseNorTheTrialCount()
    {
        using var channel = new ServedChannel(ServedChannel.Serve);
        var template = new VirtualDevice(channel.DeviceFolder("template"));
        template.Provision((@"I:\tftpnano.conf", channel.Settings("internal", trialBoots: 5)));

        // A release that stays on trial: each boot counts a start, which the report must not disturb.
        channel.Publish("1.0.0", "Blinky.Program.Unhealthy");
        DeviceRun first = template.Boot();
        Assert.True(first.ExitCode == 0 && first.Console.Contains("on trial (start 1 of 5)", StringComparison.Ordinal), first.ToString());
        string reportPath = Path.Combine(channel.ReportsFolder, ServedChannel.DeviceId);
        Assert.Contains("\nstate trial 1 of 5\n", File.ReadAllText(reportPath), StringComparison.Ordinal);

        DeviceRun whole = template.Clone(channel.DeviceFolder("whole")).Boot();
        Assert.True(whole.Console.Contains(Reported, StringComparison.Ordinal), whole.ToString());
        long end = whole.IlExecuted;
        long reportStarts = FirstInstructionShowing(template, channel, Updated, 1, end);
        long reportEnds = FirstInstructionShowing(template, channel, Reported, reportStarts, end);
        output.WriteLine($"boot of {end} IL instructions; the report from about {reportStarts} to {reportEnds}");
        Assert.True(reportEnds > reportStarts, $"{reportStarts}..{reportEnds}");

        int during = 0;
        for (int cut = 0; cut < Cuts; cut++)
        {
            long at = reportStarts + ((reportEnds - reportStarts) * (cut + 1) / (Cuts + 1));
            VirtualDevice device = template.Clone(channel.DeviceFolder($"cut{cut}"));
            DeviceRun cutRun = device.BootAndCutPower(at);
            Assert.True(cutRun.ExitCode == DeviceRun.PowerCut, $"cut at IL {at}: {cutRun}");
            if (cutRun.Console.Contains(Updated, StringComparison.Ordinal) && !cutRun.Console.Contains(Reported, StringComparison.Ordinal))
            {
                during++;
            }

            // The start cut short was counted before the report, as it would be by any cut after the
            // update: the next boot is the third start, of the same release, still verified.
            DeviceRun next = device.Boot();
            Assert.True(next.ExitCode == 0 && next.Console.Contains("boot: starting release 1.0.0 on trial (start 3 of 5)", StringComparison.Ordinal),
                $"after a cut at IL {at}: {cutRun}\nthen: {next}");
            DeviceRun inspected = device.Inspect();
            Assert.True(inspected.Console.Contains("inspect: release 1.0.0 verified", StringComparison.Ordinal), $"after a cut at IL {at}: {inspected}");

            // Whatever the cut left on the server, the report there is whole.
            byte[] report = File.ReadAllBytes(reportPath);
            Assert.NotNull(DeviceReport.Parse(report, report.Length));
        }

        output.WriteLine($"{during} of {Cuts} cuts came while the report was being built or sent");
        Assert.True(during >= Cuts / 2, $"only {during} of {Cuts} cuts came during the report");
    }

    // The first instruction at which a boot cut there has written the line: by bisection, each try on
    // fresh images. A boot's count varies by some thousands of instructions between runs, so the
    // result is within that of the line.
    private static long FirstInstructionShowing(VirtualDevice template, ServedChannel channel, string line, long low, long high)
    {
        for (int step = 0; step < 16 && high - low > 2_000; step++)
        {
            long middle = low + ((high - low) / 2);
            DeviceRun run = template.Clone(channel.DeviceFolder($"probe-{Guid.NewGuid():N}")).BootAndCutPower(middle);
            if (run.Console.Contains(line, StringComparison.Ordinal))
            {
                high = middle;
            }
            else
            {
                low = middle;
            }
        }

        return high;
    }
}
