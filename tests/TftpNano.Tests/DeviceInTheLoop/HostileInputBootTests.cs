using TftpNano.Tests.Support;
using TftpNano.Update;

namespace TftpNano.Tests.DeviceInTheLoop;

/// <summary>
/// What a careless owner or a hostile hand can put on the device itself, met by the real boot app in
/// the virtual ESP32 with a 96 KiB heap: the installed release must still start.
/// </summary>
public sealed class HostileInputBootTests
{
    [NanoKitTheory]
    [InlineData(64 * 1024)]
    [InlineData(12 * 1024)]
    public void ASettingsFileTooLargeForTheHeapIsRefusedWithOneLineAndTheInstalledReleaseStarts(int length)
    {
        using var channel = new ServedChannel(ServedChannel.Serve);
        var device = new VirtualDevice(channel.DeviceFolder("device"));
        device.Provision((@"I:\tftpnano.conf", channel.Settings("internal")));
        channel.Publish("1.0.0", "Blinky.Program.Main");
        BootAppTests.AssertStarted(device.Boot(), "1.0.0", "update: Installed release 1.0.0 (1 fetched, 0 unchanged).");

        // The same valid settings, padded with comments to a file the heap could not hold whole.
        device.Provision((@"I:\tftpnano.conf", channel.Settings("internal"), length));
        DeviceRun boot = device.Boot();

        BootAppTests.AssertStarted(boot, "1.0.0", "tftpnano: settings: The settings file is longer than 4096 bytes; shorten it (comments included).");
        Assert.Single(boot.Console.Split('\n'), line => line.StartsWith("tftpnano: settings:", StringComparison.Ordinal));
        Assert.Contains("tftpnano: update: skipped until the settings are fixed.", boot.Console);
    }

    [NanoKitFact]
    public void AFirstReleaseThatCannotStartIsNotRestartedForEverAndItsFixIsStarted()
    {
        // Nothing to roll back to: the device used to restart every 5 s until a new release appeared.
        using var channel = new ServedChannel(ServedChannel.Serve);
        var device = new VirtualDevice(channel.DeviceFolder("device"));
        device.Provision((@"I:\tftpnano.conf", channel.Settings("internal")));
        channel.Publish("1.0.0", "Blinky.Program.Nope");

        RunningDevice running = device.StartBoot(seconds: 60);
        // The boot fetched the manifest, the attempt 5 s later a second time: now the fix appears.
        Assert.True(Poll.Until(() => channel.TimesServed(ReleaseManifest.FileName) >= 2, TimeSpan.FromSeconds(45)), "the device never asked again");
        channel.Publish("1.0.1", "Blinky.Program.Main");
        DeviceRun first = running.Wait();

        Assert.True(first.ExitCode == DeviceRun.Restarted, first.ToString());
        Assert.Contains("boot: release 1.0.0 failed to start", first.Console);
        Assert.Contains("boot: nothing started; trying again in 5 s.", first.Console);
        Assert.Contains("boot: release 1.0.0 failed to start in this power-up; waiting for another release.", first.Console);
        Assert.Contains("update: Installed release 1.0.1 (0 fetched, 1 unchanged).", first.Console);
        Assert.Contains("boot: release 1.0.1 is installed; restarting to start it with nothing of release 1.0.0 loaded.", first.Console);

        BootAppTests.AssertStarted(device.Boot(), "1.0.1", "update: Up to date: release 1.0.1.");
    }
}
