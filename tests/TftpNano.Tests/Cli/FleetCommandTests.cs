using System.Collections.Concurrent;
using System.Text.Json;
using TftpNano.Boot;
using TftpNano.Tests.Support;
using TftpNano.Update;
using TftpNano.Update.Manifest;

namespace TftpNano.Tests.Cli;

/// <summary>
/// The fleet as its owner sees it: forty host devices (<c>tftpnano update --device-id dev-NN --report</c>,
/// separate processes) report to the embedded server through a staged rollout, and <c>tftpnano fleet</c>
/// shows each one and each release; report folders of several sites read together, flagged and sorted.
/// </summary>
public sealed class FleetCommandTests : IDisposable
{
    private const int Devices = 40;
    private readonly ReleaseLab _lab = new();

    private string Url => $"tftp://127.0.0.1:{_lab.Server.EndPoint.Port}/{ReleaseLab.ChannelName}";

    private string ReportFolder => Path.Combine(_lab.Server.Folder, DeviceReport.Folder);

    public void Dispose() => _lab.Dispose();

    [Fact]
    public void FortyDevicesReportThroughAStagedRolloutAndTheFleetViewShowsIt()
    {
        string[] ids = Enumerable.Range(1, Devices).Select(i => $"dev-{i:D2}").ToArray();
        _lab.Publish("1.0.0", ("Blinky.pe", ReleaseLab.Content(1, 3000)));
        Assert.All(Update(ids, confirm: true).Values, outcome => Assert.Equal("installed", outcome));

        // 0 % with a canary: only the canary.
        Publish("--rollout", "0", "--devices", "dev-07");
        Dictionary<string, string> outcomes = Update(ids);
        Assert.Equal(["dev-07"], outcomes.Where(o => o.Value == "installed").Select(o => o.Key));
        Assert.All(outcomes.Where(o => o.Key != "dev-07"), o => Assert.Equal("not_in_rollout", o.Value));

        // 25 %: those whose bucket is below 25, between 4 and 16 of 40.
        Publish("--rollout", "25", "--devices", "dev-07");
        outcomes = Update(ids);
        string[] installed = outcomes.Where(o => o.Value == "installed").Select(o => o.Key).Order(StringComparer.Ordinal).ToArray();
        Assert.InRange(installed.Length, 4, 16);
        Assert.Equal(ids.Where(id => id != "dev-07" && StagedRollout.Bucket(id, ReleaseVersion.TryParse("2.0.0")!) < 25), installed);

        JsonElement fleet = FleetJson();
        JsonElement[] devices = fleet.GetProperty("devices").EnumerateArray().ToArray();
        Assert.Equal(ids, devices.Select(d => d.GetProperty("id").GetString()).Order(StringComparer.Ordinal));
        string[] onNew = [.. installed, "dev-07"];
        foreach (JsonElement device in devices)
        {
            string id = device.GetProperty("id").GetString()!;
            bool taken = onNew.Contains(id);
            Assert.Equal(taken ? "2.0.0" : "1.0.0", device.GetProperty("release").GetString());
            Assert.Equal(id == "dev-07" ? "trial 2 of 3" : taken ? "trial 1 of 3" : "confirmed", device.GetProperty("state").GetString());
            Assert.Equal(id == "dev-07" ? "up_to_date" : taken ? "installed" : "not_in_rollout", device.GetProperty("outcome").GetString());
            Assert.Empty(device.GetProperty("flags").EnumerateArray());
        }

        Assert.Equal(Devices - onNew.Length, fleet.GetProperty("not_in_rollout").GetInt32());
        JsonElement[] releases = fleet.GetProperty("releases").EnumerateArray().ToArray();
        Assert.Equal(["2.0.0", "1.0.0"], releases.Select(r => r.GetProperty("version").GetString()));
        Assert.Equal(onNew.Length, releases[0].GetProperty("devices").GetInt32());
        Assert.Equal(onNew.Length, releases[0].GetProperty("on_trial").GetInt32());
        Assert.Equal(Devices - onNew.Length, releases[1].GetProperty("confirmed").GetInt32());

        // 100 %: everyone.
        Publish("--rollout", "100");
        outcomes = Update(ids);
        Assert.Equal(Devices - onNew.Length, outcomes.Count(o => o.Value == "installed"));
        devices = FleetJson().GetProperty("devices").EnumerateArray().ToArray();
        Assert.Equal(Devices, devices.Length);
        Assert.All(devices, d => Assert.Equal("2.0.0", d.GetProperty("release").GetString()));
    }

    [Fact]
    public void SitesAreReadTogetherTheNewestReportWinsAndWhatNeedsAttentionComesFirst()
    {
        string north = Directory.CreateDirectory(Path.Combine(_lab.WorkspaceRoot, "north")).FullName;
        string south = Directory.CreateDirectory(Path.Combine(_lab.WorkspaceRoot, "south")).FullName;
        DateTime now = DateTime.UtcNow;
        Write(north, new DeviceReport { DeviceId = "ok-1", Release = "2.0.0", Confirmed = true, Outcome = UpdateOutcome.UpToDate }, now);
        Write(north, new DeviceReport { DeviceId = "moved", Release = "1.0.0", Confirmed = true, Outcome = UpdateOutcome.UpToDate }, now.AddHours(-2));
        Write(south, new DeviceReport { DeviceId = "moved", Release = "2.0.0", TrialBoot = 1, TrialBoots = 3, Outcome = UpdateOutcome.Installed }, now.AddHours(-1));
        Write(south, new DeviceReport { DeviceId = "back", Release = "1.0.0", Confirmed = true, RolledBackFrom = "2.0.0", Outcome = UpdateOutcome.Skipped }, now);
        Write(south, new DeviceReport
        {
            DeviceId = "refusing", Release = "1.0.0", Confirmed = true, Outcome = UpdateOutcome.Refused,
            Failure = UpdateFailure.IncompatibleRelease, Message = "needs System.Net 1.11.60",
        }, now);
        Write(south, new DeviceReport { DeviceId = "june", Release = "1.0.0", Confirmed = true, Outcome = UpdateOutcome.UpToDate, FirmwareLine = FirmwareLine.June2026 }, now);
        Write(north, new DeviceReport { DeviceId = "silent", Release = "1.0.0", Confirmed = true, Outcome = UpdateOutcome.UpToDate }, now.AddDays(-10));
        File.WriteAllText(Path.Combine(north, "notes.txt"), "not a report");
        File.WriteAllText(Path.Combine(north, ".half.123.tmp"), "tftpnano-report 1\n");

        ProcessResult text = Tftpnano("fleet", north, south);
        Assert.True(text.ExitCode == 0, text.StandardError);
        string[] lines = text.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["DEVICE", "back", "refusing", "june", "silent", "moved", "ok-1"], lines.Take(7).Select(l => l.Split(' ')[0]));
        Assert.Matches(@"^back +1\.0\.0 +confirmed, rolled back from 2\.0\.0 +skipped +\d{4}-\d\d-\d\d \d\d:\d\dZ +rolled_back$", lines[1]);
        Assert.Matches(@"^refusing +1\.0\.0 +confirmed +refused: incompatible_release .* refused$", lines[2]);
        Assert.EndsWith(" line", lines[3], StringComparison.Ordinal);
        Assert.EndsWith(" stale", lines[4], StringComparison.Ordinal);
        Assert.Matches(@"^moved +2\.0\.0 +trial 1 of 3 +installed", lines[5]);
        Assert.Equal(
            ["release 2.0.0: 2 devices, 1 confirmed, 1 on trial, 1 rolled back from it",
             "release 1.0.0: 4 devices, 4 confirmed, 0 on trial, 0 rolled back from it"],
            lines.Skip(7));
        Assert.Equal("tftpnano: 1 files of the report folders are not reports, and were skipped", text.StandardError.Trim());

        // A shorter stale limit flags more; a folder that does not exist is an error.
        JsonElement fleet = JsonDocument.Parse(Tftpnano("fleet", north, south, "--json", "--stale", "0.03").StandardOutput).RootElement;
        Assert.Equal(["moved", "silent"], fleet.GetProperty("devices").EnumerateArray()
            .Where(d => d.GetProperty("flags").EnumerateArray().Any(f => f.GetString() == "stale"))
            .Select(d => d.GetProperty("id").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(south, fleet.GetProperty("devices").EnumerateArray().Single(d => d.GetProperty("id").GetString() == "moved").GetProperty("folder").GetString());
        Assert.NotEqual(0, Tftpnano("fleet", Path.Combine(_lab.WorkspaceRoot, "nowhere")).ExitCode);
    }

    [PeerFact(Peers.TftpdHpa)]
    public void TftpdHpaRunAsTheReadmeSaysTakesEveryReport()
    {
        // -c creates a new report; without -p only a world-writable file could be replaced, so a
        // device's second report would be refused.
        Assert.Contains("in.tftpd --foreground --listen --secure -c -p -U 022 DIR", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md")));
        Directory.CreateDirectory(ReportFolder);
        using var tftpdHpa = PeerServer.Start(Peers.TftpdHpa, _lab.Server.Folder, _lab.WorkspaceRoot, "-c", "-p", "-U", "022");
        _lab.Publish("1.0.0", ("Blinky.pe", ReleaseLab.Content(1, 3000)));
        string url = $"tftp://127.0.0.1:{tftpdHpa.EndPoint.Port}/{ReleaseLab.ChannelName}";
        foreach (string expected in new[] { "installed", "up_to_date" })
        {
            ProcessResult update = Tftpnano("update", url, "--root", Path.Combine(_lab.WorkspaceRoot, "hpa-device"), "--key", _lab.PublicKeyPath,
                "--device-id", "dev-hpa", "--json");
            Assert.True(update.ExitCode == 0, update.StandardError);
            Assert.Equal("written", JsonDocument.Parse(update.StandardOutput).RootElement.GetProperty("report").GetString());
            JsonElement device = Assert.Single(FleetJson().GetProperty("devices").EnumerateArray());
            Assert.Equal(("dev-hpa", expected), (device.GetProperty("id").GetString(), device.GetProperty("outcome").GetString()));
        }
    }

    private static void Write(string folder, DeviceReport report, DateTime seen)
    {
        report.Event ??= "boot";
        string path = Path.Combine(folder, report.DeviceId);
        File.WriteAllBytes(path, report.ToBytes());
        File.SetLastWriteTimeUtc(path, seen);
    }

    private void Publish(params string[] stage)
    {
        ProcessResult publish = Tftpnano(["manifest", _lab.Channel, "--channel", ReleaseLab.ChannelName, "--version", "2.0.0",
            "--entry", ReleaseLab.EntryPoint, "--sign", _lab.PrivateKeyPath, .. stage]);
        Assert.True(publish.ExitCode == 0, publish.StandardError);
    }

    // Every device boots once, four at a time: each prints its outcome as JSON and writes its report.
    private Dictionary<string, string> Update(string[] ids, bool confirm = false)
    {
        var outcomes = new ConcurrentDictionary<string, string>();
        Parallel.ForEach(ids, new ParallelOptions { MaxDegreeOfParallelism = 4 }, id =>
        {
            string[] arguments = ["update", Url, "--root", Path.Combine(_lab.WorkspaceRoot, "devices", id), "--key", _lab.PublicKeyPath,
                "--device-id", id, "--report", "--json", .. confirm ? ["--confirm"] : Array.Empty<string>()];
            ProcessResult update = Tftpnano(arguments);
            Assert.True(update.ExitCode == 0, $"{id}: {update.StandardError}");
            JsonElement result = JsonDocument.Parse(update.StandardOutput).RootElement;
            Assert.Equal("written", result.GetProperty("report").GetString());
            outcomes[id] = result.GetProperty("outcome").GetString()!;
        });
        return outcomes.ToDictionary();
    }

    private JsonElement FleetJson()
    {
        ProcessResult fleet = Tftpnano("fleet", ReportFolder, "--json");
        Assert.True(fleet.ExitCode == 0, fleet.StandardError);
        return JsonDocument.Parse(fleet.StandardOutput).RootElement;
    }

    private static ProcessResult Tftpnano(params string[] arguments) => GetCommandTests.Tftpnano(Environment.CurrentDirectory, arguments);
}
