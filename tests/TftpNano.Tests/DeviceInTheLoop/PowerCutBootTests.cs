using System.Text;
using Xunit.Abstractions;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.DeviceInTheLoop;

/// <summary>
/// Power cuts on the real file systems: the install boot of the real boot app, in the virtual ESP32,
/// cut at IL instructions drawn at random (seeded, so a failure replays) over the whole boot and over
/// its end, each followed by normal boots on the same flash and SD images.
/// </summary>
public sealed class PowerCutBootTests(ITestOutputHelper output)
{
    /// <summary>Cuts per storage in every run.</summary>
    public const int Cuts = 25;

    [NanoKitTheory]
    [InlineData("internal", 1350)]
    [InlineData("sd-mmc", 2347)]
    public void AnInstallCutAtAnyInstructionLeavesACompleteVerifiedReleaseAndConverges(string storage, int seed)
    {
        using var channel = new ServedChannel(ServedChannel.Serve);
        var template = new VirtualDevice(channel.DeviceFolder("template"));
        template.Provision((@"I:\tftpnano.conf", channel.Settings(storage)));
        channel.Publish("1.0.0", "Blinky.Program.Main", ("data.bin", ReleaseLab.Content(1, 20 * 1024)));
        BootAppTests.AssertStarted(template.Boot(), "1.0.0", "update: Installed release 1.0.0");

        // The update every cut interrupts: both files change.
        channel.Publish("1.0.1", "Blinky.Program.Main", ("data.bin", ReleaseLab.Content(2, 24 * 1024)), ("notes.txt", Encoding.ASCII.GetBytes("1.0.1")));
        DeviceRun whole = template.Clone(channel.DeviceFolder("whole")).Boot();
        BootAppTests.AssertStarted(whole, "1.0.1", "update: Installed release 1.0.1");
        long instructions = whole.IlExecuted;
        Assert.True(instructions > 1_000_000, whole.ToString());

        var random = new Random(seed);
        var outcomes = new List<string>();
        for (int cut = 0; cut < Cuts; cut++)
        {
            // Half over the whole boot, half over its last twentieth, where the release is committed
            // and old folders are deleted: a few hundred thousand instructions of thirteen million.
            long from = cut % 2 == 0 ? 1 : instructions - (instructions / 20);
            long at = from + random.NextInt64(instructions - from);
            VirtualDevice device = template.Clone(channel.DeviceFolder("cut" + cut));
            DeviceRun cutRun = device.BootAndCutPower(at);
            Assert.True(cutRun.ExitCode == DeviceRun.PowerCut, $"cut at IL {at} of {instructions}: {cutRun}");

            // The next boot starts a release, whichever it is, and the one after is up to date.
            DeviceRun next = device.Boot();
            Assert.True(next.ExitCode == 0 && next.Console.Contains("blinky: running", StringComparison.Ordinal),
                $"after a cut at IL {at} of {instructions} nothing ran: {next}");
            DeviceRun inspected = device.Inspect();
            Assert.True(inspected.Console.Contains("inspect: release 1.0.1 verified", StringComparison.Ordinal),
                $"after a cut at IL {at} of {instructions}, the boot: {next}\nthen: {inspected}");
            BootAppTests.AssertStarted(device.Boot(), "1.0.1", "update: Up to date: release 1.0.1.");
            outcomes.Add(next.Console.Contains("Installed release 1.0.1", StringComparison.Ordinal) ? "reinstalled" : "kept");
        }

        output.WriteLine($"{storage}: {Cuts} cuts over {instructions} IL instructions: {outcomes.Count(o => o == "reinstalled")} installed again, {outcomes.Count(o => o == "kept")} kept the committed release");

        // Cuts spread over the boot land both before the commit (installed again) and after it (kept).
        Assert.Contains("reinstalled", outcomes);
        Assert.Contains("kept", outcomes);
    }
}
