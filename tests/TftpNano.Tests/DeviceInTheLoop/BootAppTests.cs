using System.Text;
using System.Text.Json;
using TftpNano.Tests.Cli;
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
        AssertReported(channel, server, boot, "1.0.0", "confirmed", "installed");

        boot = device.Boot();
        AssertStarted(boot, "1.0.0", "update: Up to date: release 1.0.0.");
        Assert.DoesNotContain("Fetching", boot.Console);
        AssertReported(channel, server, boot, "1.0.0", "confirmed", "up_to_date");

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
            AssertReported(channel, server, boot, "1.0.3", $"trial {start} of 3", start == 1 ? "installed" : "up_to_date");
        }

        boot = device.Boot();
        AssertStarted(boot, "1.0.1", "Release 1.0.3 started 3 times without being confirmed: rolled back to 1.0.1");
        JsonElement rolledBack = AssertReported(channel, server, boot, "1.0.1", "confirmed", "skipped");
        if (server == ServedChannel.Serve)
        {
            Assert.Equal("1.0.3", rolledBack.GetProperty("rolled_back_from").GetString());
            Assert.Equal(["rolled_back"], rolledBack.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
            Assert.Equal("2026-07", rolledBack.GetProperty("firmware_line").GetString());
        }
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

    // After the update attempt, before the release starts, the device writes reports/ID: the embedded
    // server takes it, and tftpnano fleet shows it (after Blinky's confirmation, the report it then
    // writes); tftpd-hpa without -c refuses it, which costs the boot one console line.
    private static JsonElement AssertReported(ServedChannel channel, string server, DeviceRun boot, string release, string state, string outcome)
    {
        if (server != ServedChannel.Serve)
        {
            Assert.True(boot.Console.Contains($"report: not written: {channel.EndPoint} refused to take 'reports/{ServedChannel.DeviceId}' with TFTP error",
                StringComparison.Ordinal), boot.ToString());
            return default;
        }

        Assert.True(boot.Console.Contains($"report: written to {channel.EndPoint} as reports/{ServedChannel.DeviceId}.", StringComparison.Ordinal), boot.ToString());
        ProcessResult fleet = GetCommandTests.Tftpnano(Environment.CurrentDirectory, "fleet", channel.ReportsFolder, "--json");
        Assert.True(fleet.ExitCode == 0, fleet.StandardError);
        JsonElement device = Assert.Single(JsonDocument.Parse(fleet.StandardOutput).RootElement.GetProperty("devices").EnumerateArray());
        Assert.Equal((ServedChannel.DeviceId, release, state, outcome), (device.GetProperty("id").GetString(), device.GetProperty("release").GetString(),
            device.GetProperty("state").GetString(), device.GetProperty("outcome").GetString()));
        return device;
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
