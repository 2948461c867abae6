using TftpNano.Cli.Update;
using TftpNano.Host.Update;
using TftpNano.Tests.Support;
using TftpNano.Update;
using TftpNano.Update.Manifest;

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
        VirtualDevice device = WithRelease100(channel, "internal");

        // The same valid settings, padded with comments to a file the heap could not hold whole.
        device.Provision((@"I:\tftpnano.conf", channel.Settings("internal"), length));
        DeviceRun boot = device.Boot();

        BootAppTests.AssertStarted(boot, "1.0.0", "tftpnano: settings: The settings file is longer than 4096 bytes; shorten it (comments included).");
        Assert.Single(boot.Console.Split('\n'), line => line.StartsWith("tftpnano: settings:", StringComparison.Ordinal));
        Assert.Contains("tftpnano: update: skipped until the settings are fixed.", boot.Console);
    }

    [NanoKitFact]
    public void AManifestWithAHugeEntryIsRefusedWithOneLineAndTheLargestOneTheLimitsAllowIsRead()
    {
        using var channel = new ServedChannel(ServedChannel.Serve);
        VirtualDevice device = WithRelease100(channel, "internal");
        string manifestPath = Path.Combine(channel.Folder, ReleaseManifest.FileName);
        string fileLine = File.ReadAllLines(manifestPath).Single(l => l.StartsWith("file ", StringComparison.Ordinal));

        // Signed as the owner's key signs: an entry of 6,000 characters used to exhaust the heap at every boot.
        SignAndServe(channel, $"tftpnano-manifest 1\nchannel {ServedChannel.Name}\nversion 1.0.1\nentry {new string('E', 6000)}.Main\n{fileLine}\n");
        BootAppTests.AssertStarted(device.Boot(), "1.0.0", "update: Manifest line 4 is longer than 256 characters.");

        // Every line at its longest: 8,212 bytes, read whole; the channel it names is then refused.
        string name = new('n', ReleaseManifest.MaxNameLength - 7);
        var largest = new System.Text.StringBuilder($"tftpnano-manifest 1\nchannel {new string('c', 128)}\nversion 999999999.999999999.999999999.999999999\n"
            + $"entry {new string('e', ReleaseManifest.MaxEntryLength - 2)}.M\n");
        for (int i = 0; i < ReleaseManifest.MaxNeeds; i++)
        {
            largest.Append($"needs {name}{1_000_000 + i} 65535.65535\n");
        }

        for (int i = 0; i < ReleaseManifest.MaxFiles; i++)
        {
            largest.Append($"file {name}{1_000_000 + i} 999999999999 hmac-sha256-4k:{new string('0', 64)}\n");
        }

        Assert.Equal(8212, largest.Length);
        SignAndServe(channel, largest.ToString());
        BootAppTests.AssertStarted(device.Boot(), "1.0.0", "update: The manifest is for channel ccc");
    }

    [NanoKitFact]
    public void AReleaseLargerThanTheCardIsRefusedBeforeItIsFetchedAndTheActiveReleaseStarts()
    {
        // FAT on a full card writes nothing and succeeds, and the firmware's write then waits for ever:
        // this boot used to hang, with the active release never started.
        using var channel = new ServedChannel(ServedChannel.Serve);
        VirtualDevice device = WithRelease100(channel, "sd-mmc", sdSize: "2M");

        channel.Publish("1.0.1", "Blinky.Program.Main", ("big.bin", ReleaseLab.Content(9, 3_000_000)));
        DeviceRun boot = device.Boot();

        BootAppTests.AssertStarted(boot, "1.0.0", "update: The release does not fit: The volume is full: ");
        Assert.Contains("big.bin needs 3000000 bytes and the volume has room for ", boot.Console);
        Assert.Contains("The active release is kept.", boot.Console);
        Assert.Equal(0, channel.TimesServed("big.bin"));
        DeviceRun inspected = device.Inspect();
        Assert.Contains("inspect: release 1.0.0 verified", inspected.Console);
        Assert.DoesNotContain("r3", inspected.Console);

        // Remembered: the next boot fetches the manifest, sees the same one, and fetches nothing more.
        int signatures = channel.TimesServed(ReleaseManifest.SignatureFileName);
        BootAppTests.AssertStarted(device.Boot(), "1.0.0",
            "update: Release 1.0.1 could not be stored at an earlier boot; it is fetched again once the server offers another manifest.");
        Assert.Equal(signatures, channel.TimesServed(ReleaseManifest.SignatureFileName));
    }

    [NanoKitFact]
    public void AReleaseLargerThanTheInternalFlashIsRefusedAsNotFittingAndNotFetchedAgain()
    {
        // littlefs fails the write that finds no room with the same bare exception as any I/O failure:
        // it used to read "Writing ... failed: System.Exception", and the release was fetched at every boot.
        using var channel = new ServedChannel(ServedChannel.Serve);
        VirtualDevice device = WithRelease100(channel, "internal");

        channel.Publish("1.0.1", "Blinky.Program.Main", ("big.bin", ReleaseLab.Content(9, 1_200_000)));
        DeviceRun boot = device.Boot();

        BootAppTests.AssertStarted(boot, "1.0.0", @"update: The release does not fit: The volume is full: writing I:\tftpnano\r");
        Assert.Contains(@"\big.bin failed (", boot.Console);
        Assert.Contains("The active release is kept.", boot.Console);
        Assert.Equal((0, 1), (channel.TimesServed("big.bin"), channel.TimesRequested("big.bin")));
        DeviceRun inspected = device.Inspect();
        Assert.Contains("inspect: release 1.0.0 verified", inspected.Console);
        Assert.DoesNotContain("r3", inspected.Console);

        BootAppTests.AssertStarted(device.Boot(), "1.0.0",
            "update: Release 1.0.1 could not be stored at an earlier boot; it is fetched again once the server offers another manifest.");
        Assert.Equal(1, channel.TimesRequested("big.bin"));
    }

    [NanoKitFact]
    public void AFirstReleaseThatCannotStartIsNotRestartedForEverAndItsFixIsStarted()
    {
        // Nothing to roll back to: the device used to restart every 5 s until a new release appeared.
        using var channel = new ServedChannel(ServedChannel.Serve);
        var device = new VirtualDevice(channel.DeviceFolder("device"));
        device.Provision((@"I:\tftpnano.conf", channel.Settings("internal")));
        // Published without the boot app's assemblies, as a tool that could not check the entry would.
        File.Copy(Path.Combine(VirtualDevice.AppFolder, "Blinky.pe"), Path.Combine(channel.Folder, "Blinky.pe"));
        ReleasePublisher.Publish(channel.Folder, ServedChannel.Name, "1.0.0", "Blinky.Program.Nope", [], channel.PrivateKeyPath);

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

    // A device provisioned for the channel that installed and started release 1.0.0 of the test app.
    private static VirtualDevice WithRelease100(ServedChannel channel, string storage, string? sdSize = null)
    {
        var device = new VirtualDevice(channel.DeviceFolder("device"), sdSize: sdSize);
        device.Provision((@"I:\tftpnano.conf", channel.Settings(storage)));
        channel.Publish("1.0.0", "Blinky.Program.Main");
        BootAppTests.AssertStarted(device.Boot(), "1.0.0", "update: Installed release 1.0.0 (1 fetched, 0 unchanged).");
        return device;
    }

    private static void SignAndServe(ServedChannel channel, string manifest)
    {
        byte[] bytes = System.Text.Encoding.ASCII.GetBytes(manifest);
        File.WriteAllBytes(Path.Combine(channel.Folder, ReleaseManifest.FileName), bytes);
        File.WriteAllBytes(Path.Combine(channel.Folder, ReleaseManifest.SignatureFileName), SigningKey.Sign(bytes, channel.PrivateKeyPath));
    }
}
