using TftpNano.Tests.Support;

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
}
