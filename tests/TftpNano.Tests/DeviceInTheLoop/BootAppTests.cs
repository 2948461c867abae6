using System.Text;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.DeviceInTheLoop;

/// <summary>
/// The real boot app, built with the kit, booted unchanged in the kit's virtual ESP32 (nanoCLR, 96 KiB
/// heap) against real servers on loopback: the boot story from the first install to a rollback, on
/// internal flash (littlefs <c>I:\</c>) and on an SD card (FAT <c>D:\</c>).
/// </summary>
public sealed class BootAppTests
{
    private const string Healthy = "Blinky.Program.Main";
    private const string Unhealthy = "Blinky.Program.Unhealthy";

    public static TheoryData<string, string> Setups => new()
    {
        { "internal", Peers.TftpdHpa },
        { "internal", ServedChannel.Serve },
        { "sd-mmc", Peers.TftpdHpa },
        { "sd-mmc", ServedChannel.Serve },
    };

    [NanoKitTheory(Peers.TftpdHpa)]
    [MemberData(nameof(Setups))]
    public void InstallsStaysUpToDateFetchesADeltaRefusesTamperingAndRollsBack(string storage, string server)
    {
        using var channel = new ServedChannel(server);
        var device = new VirtualDevice(channel.DeviceFolder("device"));
        device.Provision((@"I:\tftpnano.conf", channel.Settings(storage)));

        channel.Publish("1.0.0", Healthy, ("notes.txt", Text("first notes")));
        DeviceRun boot = device.Boot();
        AssertStarted(boot, "1.0.0", "update: Installed release 1.0.0 (2 fetched, 0 unchanged).");

        boot = device.Boot();
        AssertStarted(boot, "1.0.0", "update: Up to date: release 1.0.0.");
        Assert.DoesNotContain("Fetching", boot.Console);

        channel.Publish("1.0.1", Healthy, ("notes.txt", Text("second notes, longer")));
        boot = device.Boot();
        AssertStarted(boot, "1.0.1", "update: Installed release 1.0.1 (1 fetched, 1 unchanged).");
        Assert.Contains("Fetching fw/stable/notes.txt", boot.Console);
        Assert.DoesNotContain("Fetching fw/stable/Blinky.pe", boot.Console);

        // Signed, then changed on the server: the file no longer matches its manifest entry.
        channel.Publish("1.0.2", Healthy, ("notes.txt", Text("third notes")));
        File.WriteAllBytes(Path.Combine(channel.Folder, "notes.txt"), Text("THIRD NOTES"));
        boot = device.Boot();
        AssertStarted(boot, "1.0.1", "update: 'notes.txt' does not match the digest in the manifest.");
        Assert.DoesNotContain("Installed release 1.0.2", boot.Console);

        // A release that never confirms itself: three starts on trial, then back to 1.0.1 for good.
        channel.Publish("1.0.3", Unhealthy, ("notes.txt", Text("fourth notes")));
        for (int start = 1; start <= 3; start++)
        {
            boot = device.Boot();
            Assert.True(boot.ExitCode == 0, boot.ToString());
            Assert.Contains($"boot: starting release 1.0.3 on trial (start {start} of 3)", boot.Console);
            Assert.Contains("blinky: running, not healthy", boot.Console);
        }

        boot = device.Boot();
        AssertStarted(boot, "1.0.1", "Release 1.0.3 started 3 times without being confirmed: rolled back to 1.0.1");
        boot = device.Boot();
        AssertStarted(boot, "1.0.1", "Release 1.0.3 was rolled back on this device and is not installed again.");
    }

    [NanoKitFact]
    public void FiveReleasesInARowFitASmallFlashBecauseOldOnesAreDeleted()
    {
        // 64 blocks of 4 KiB: room for the active and the previous release and a staging folder of
        // 60 KiB each, not for a fourth.
        using var channel = new ServedChannel(ServedChannel.Serve);
        var device = new VirtualDevice(channel.DeviceFolder("device"), flashSize: "256K");
        device.Provision((@"I:\tftpnano.conf", channel.Settings("internal")));

        for (int release = 0; release < 5; release++)
        {
            string version = "2.0." + release;
            channel.Publish(version, Healthy, ("data.bin", ReleaseLab.Content(release, 60 * 1024)));
            DeviceRun boot = device.Boot();
            AssertStarted(boot, version, release == 0
                ? "update: Installed release 2.0.0 (2 fetched, 0 unchanged)."
                : $"update: Installed release {version} (1 fetched, 1 unchanged).");
        }
    }

    internal static void AssertStarted(DeviceRun boot, string version, string expected)
    {
        Assert.True(boot.ExitCode == 0, boot.ToString());
        Assert.True(boot.Console.Contains(expected, StringComparison.Ordinal), $"expected '{expected}'\n{boot}");
        Assert.True(boot.Console.Contains($"boot: starting release {version}", StringComparison.Ordinal), $"expected release {version} to start\n{boot}");
        Assert.True(boot.Console.Contains("blinky: running", StringComparison.Ordinal), $"the release did not run\n{boot}");
    }

    private static byte[] Text(string text) => Encoding.ASCII.GetBytes(text);
}
