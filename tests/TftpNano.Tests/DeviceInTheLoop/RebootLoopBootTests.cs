using TftpNano.Tests.Support;

namespace TftpNano.Tests.DeviceInTheLoop;

/// <summary>
/// A device that loses power again and again in the middle of a file, as in a boot loop: each time it
/// leaves a transfer behind on the server, and it must be served at its next boot all the same.
/// </summary>
public sealed class RebootLoopBootTests
{
    private const int Cuts = 10;

    [NanoKitFact]
    public void ADeviceCutTenTimesInTheMiddleOfAFileIsServedAtEveryBootAndInstallsAtTheEleventh()
    {
        // The server's cap is 8 transfers per client: the ninth boot used to hear "Server busy." for as
        // long as the abandoned transfers went through their retries.
        using var channel = new ServedChannel(ServedChannel.Serve);
        var device = new VirtualDevice(channel.DeviceFolder("device"), sdSize: "4M");
        device.Provision((@"I:\tftpnano.conf", channel.Settings("sd-mmc")));
        channel.Publish("1.0.0", "Blinky.Program.Main", ("big.bin", ReleaseLab.Content(7, 1_000_000)));

        // A whole install on a copy shows where the boot is: the file's transfer takes most of its last
        // million instructions, before the release is committed and started.
        DeviceRun whole = device.Clone(channel.DeviceFolder("whole")).Boot();
        BootAppTests.AssertStarted(whole, "1.0.0", "update: Installed release 1.0.0");
        long cutAt = whole.IlExecuted - 500_000;
        int requestsBefore = channel.TimesRequested("big.bin");

        for (int cut = 0; cut < Cuts; cut++)
        {
            DeviceRun run = device.BootAndCutPower(cutAt);
            Assert.True(run.ExitCode == DeviceRun.PowerCut, $"cut {cut} at IL {cutAt} of {whole.IlExecuted}: {run}");
            Assert.Contains("big.bin (1000000 bytes).", run.Console);
            Assert.DoesNotContain("Received 'big.bin'", run.Console);
            Assert.DoesNotContain("Server busy", run.Console);
        }

        BootAppTests.AssertStarted(device.Boot(), "1.0.0", "update: Installed release 1.0.0 (2 fetched, 0 unchanged).");
        // Each abandoned transfer ended at the server's next send, on the device's closed port.
        Assert.True(Poll.Until(() => channel.TimesRequested("big.bin") - requestsBefore == Cuts + 1, TimeSpan.FromSeconds(10)),
            $"{channel.TimesRequested("big.bin") - requestsBefore} transfers of big.bin ended");
        Assert.Equal(2, channel.TimesServed("big.bin"));
    }
}
