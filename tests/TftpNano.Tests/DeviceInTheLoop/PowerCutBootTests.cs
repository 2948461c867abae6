using System.Text;
using Xunit.Abstractions;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.DeviceInTheLoop;

/// <summary>
/// Power cuts on the real file systems: the install boot of the real boot app, in the virtual ESP32,
/// cut at IL instructions drawn at random (seeded, so a failure replays) over the whole boot and over
/// its last 200 thousand instructions, each followed by normal boots on the same flash and SD images.
/// </summary>
public sealed class PowerCutBootTests(ITestOutputHelper output)
{
    /// <summary>Cuts per storage in every run.</summary>
    public const int Cuts = 25;

    // The end of the boot that half the cuts land in.
    private const long TailInstructions = 200_000;

    // How much earlier a cut is tried when the boot ended before reaching it.
    private const long UnreachedCutStep = 25_000;

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
            // Half over the whole boot, half over its end, where the release is committed, old
            // folders are deleted and the release starts: the commit comes some 85 thousand
            // instructions before the end of a boot of five and a half million.
            long from = cut % 2 == 0 ? 1 : instructions - TailInstructions;
            long at = from + random.NextInt64(instructions - from);

            // A boot's count varies by some thousands of instructions from run to run (how often a
            // receive waits depends on timing), so a cut drawn near the end may come after a boot that
            // ended sooner: then the same cut is tried earlier, on fresh images.
            VirtualDevice device;
            DeviceRun cutRun;
            int attempt = 0;
            while (true)
            {
                device = template.Clone(channel.DeviceFolder($"cut{cut}-{attempt}"));
                cutRun = device.BootAndCutPower(at);
                if (cutRun.ExitCode != 0 || ++attempt == 4)
                {
                    break;
                }

                at -= UnreachedCutStep;
            }

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
