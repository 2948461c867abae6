using TftpNano.Tests.Support;
using TftpNano.Update;
using TftpNano.Update.Manifest;
using TftpNano.Update.Storage;
using Xunit.Abstractions;

namespace TftpNano.Tests.Update;

/// <summary>
/// Two hundred updates in a row, good, sabotaged and interrupted in turn: every good one is installed,
/// every sabotaged one refused, every interrupted one (the power cut after or inside a seeded random
/// storage operation) leaves the old or the new release whole and is finished by the next boot. After
/// every boot one release is active, complete and intact, nothing else is left behind, and the trial
/// count is exact: each boot adds one start to a release on trial, an install starts at one.
/// </summary>
public sealed class SoakTests(ITestOutputHelper output) : IDisposable
{
    private const int Updates = 200;

    private static readonly string[] Sabotages =
    [
        "edited after signing", "file swapped", "file truncated", "file missing", "unsigned", "downgrade", "path in a name",
    ];

    private readonly ReleaseLab _lab = new();

    [Fact]
    public void GoodSabotagedAndInterruptedUpdatesInTurn()
    {
        byte[] drivers = ReleaseLab.Content(60, 24_000);
        var random = new Random(12);
        int installOperations = 40;
        int installed = 0;
        int refused = 0;
        int cutsBefore = 0;
        int cutsAfter = 0;
        for (int update = 1; update <= Updates; update++)
        {
            string version = $"1.{update}";
            _lab.Publish(version, ("Drivers.pe", drivers), ("Blinky.pe", Blinky(version)));
            Record before = Read();
            switch (update % 3)
            {
                case 1:
                    var counted = new FaultyStorage(_lab.DeviceRoot);
                    Expect(Boot(counted), UpdateOutcome.Installed, update, "good");
                    installOperations = counted.Operations;
                    AssertInstalled(before, version);
                    installed++;
                    break;
                case 2:
                    string sabotage = Sabotages[(update / 3) % Sabotages.Length];
                    Sabotage(sabotage, version);
                    Expect(Boot(new FaultyStorage(_lab.DeviceRoot)), UpdateOutcome.Refused, update, sabotage);
                    AssertCounted(before);
                    refused++;
                    break;
                default:
                    // Half the cuts fall among the last operations, where the release is activated.
                    int cut = random.Next(2) == 0 ? random.Next(installOperations) : installOperations - 1 - random.Next(8);
                    bool inside = random.Next(2) == 0;
                    try
                    {
                        Boot(new FaultyStorage(_lab.DeviceRoot) { CutAfter = cut, CutInside = inside });
                    }
                    catch (PowerCutException)
                    {
                    }

                    // The cut left the old release or the new one, whole; the next boot finishes the job.
                    Record afterCut = Read();
                    string where = $"update {update}, cut {(inside ? "inside" : "after")} operation {cut}";
                    Assert.True(afterCut.Version == before.Version || afterCut.Version == version, $"{where}: active {afterCut.Version}");
                    _lab.AssertActive(afterCut.Version!);
                    if (afterCut.Version == before.Version)
                    {
                        Assert.True(afterCut.Boots == before.Boots || (!before.Confirmed && afterCut.Boots == before.Boots + 1), $"{where}: {afterCut}");
                        Expect(Boot(new FaultyStorage(_lab.DeviceRoot)), UpdateOutcome.Installed, update, where);
                        AssertInstalled(before, version);
                        cutsBefore++;
                    }
                    else
                    {
                        Assert.True(afterCut.Boots is 0 or 1 && !afterCut.Confirmed, $"{where}: {afterCut}");
                        Assert.Equal(before.Confirmed ? before.Version : before.Previous, afterCut.Previous);
                        Expect(Boot(new FaultyStorage(_lab.DeviceRoot)), UpdateOutcome.UpToDate, update, where);
                        AssertCounted(afterCut);
                        cutsAfter++;
                    }

                    break;
            }

            Assert.Equal(Blinky(Read().Version!), File.ReadAllBytes(Path.Combine(_lab.DeviceRoot, _lab.Inspect().State.Active!, "Blinky.pe")));

            // A release stays on trial for two or three boots, so that updates also arrive during a
            // trial, then the application confirms it (the rollback after three unconfirmed starts has
            // tests of its own).
            ReleaseStore store = _lab.Inspect();
            if (!store.State.Confirmed && (store.State.Boots >= 3 || (store.State.Boots == 2 && random.Next(2) == 0)))
            {
                Assert.True(store.Confirm());
            }
        }

        output.WriteLine($"{installed} installed, {refused} refused, {cutsBefore + cutsAfter} interrupted "
            + $"({cutsBefore} cuts left the old release, {cutsAfter} the new one)");
        Assert.Equal((67, 67), (installed, refused));
        Assert.True(cutsBefore > 10 && cutsAfter > 10, $"old {cutsBefore}, new {cutsAfter}");
    }

    private static byte[] Blinky(string version) => ReleaseLab.Content(1000 + int.Parse(version[2..]), 3000 + int.Parse(version[2..]));

    private UpdateResult Boot(FaultyStorage storage) => _lab.Boot(storage: storage);

    private static void Expect(UpdateResult result, UpdateOutcome outcome, int update, string what) =>
        Assert.True(result.Outcome == outcome, $"update {update} ({what}): {result.Outcome}: {result.Message}");

    // Installed on top of what was active: on trial with one start, and the fallback is the last
    // confirmed release.
    private void AssertInstalled(Record before, string version)
    {
        _lab.AssertActive(version);
        Record after = Read();
        Assert.Equal((false, 1), (after.Confirmed, after.Boots));
        Assert.Equal(before.Confirmed ? before.Version : before.Previous, after.Previous);
    }

    // The same release is still active, and one more start was counted if it is on trial.
    private void AssertCounted(Record before)
    {
        _lab.AssertActive(before.Version!);
        Record after = Read();
        Assert.Equal(before with { Boots = before.Confirmed ? 0 : before.Boots + 1 }, after);
    }

    private Record Read()
    {
        ReleaseStore store = _lab.Inspect();
        return new Record(store.ActiveManifest?.Version.ToString(), store.PreviousVersion(), store.State.Confirmed, store.State.Boots);
    }

    private void Sabotage(string how, string version)
    {
        string manifest = Path.Combine(_lab.Channel, ReleaseManifest.FileName);
        string blinky = Path.Combine(_lab.Channel, "Blinky.pe");
        switch (how)
        {
            case "edited after signing":
                File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("Drivers.pe", "Drivers.px"));
                break;
            case "file swapped":
                byte[] bytes = File.ReadAllBytes(blinky);
                bytes[0] ^= 0x80;
                File.WriteAllBytes(blinky, bytes);
                break;
            case "file truncated":
                File.WriteAllBytes(blinky, File.ReadAllBytes(blinky)[..1000]);
                break;
            case "file missing":
                File.Delete(blinky);
                break;
            case "unsigned":
                File.Delete(Path.Combine(_lab.Channel, ReleaseManifest.SignatureFileName));
                break;
            case "downgrade":
                File.WriteAllText(manifest, File.ReadAllText(manifest).Replace($"version {version}", "version 0.9"));
                _lab.SignManifestAsIs();
                break;
            case "path in a name":
                File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("file Blinky.pe", "file ..\\Blinky.pe"));
                _lab.SignManifestAsIs();
                break;
        }
    }

    public void Dispose() => _lab.Dispose();

    private sealed record Record(string? Version, string? Previous, bool Confirmed, int Boots);
}
