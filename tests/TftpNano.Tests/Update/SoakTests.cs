using TftpNano.Tests.Support;
using TftpNano.Update;

namespace TftpNano.Tests.Update;

/// <summary>
/// A hundred updates in a row, good and bad releases alternating: every good one is installed, every
/// bad one refused, and at no point is the active release incomplete or anything left behind.
/// </summary>
public sealed class SoakTests : IDisposable
{
    private static readonly string[] Sabotages =
    [
        "edited after signing", "file swapped", "file truncated", "file missing", "unsigned", "downgrade", "path in a name",
    ];

    private readonly ReleaseLab _lab = new();

    [Fact]
    public void AlternatingGoodAndBadReleases()
    {
        byte[] drivers = ReleaseLab.Content(60, 24_000);
        string active = "none";
        string? previous = null;
        int installed = 0;
        int refused = 0;
        for (int update = 1; update <= 100; update++)
        {
            string version = $"1.{update}";
            byte[] blinky = ReleaseLab.Content(1000 + update, 3000 + update);
            _lab.Publish(version, ("Drivers.pe", drivers), ("Blinky.pe", blinky));
            bool good = update % 2 == 1;
            string sabotage = Sabotages[(update / 2) % Sabotages.Length];
            if (!good)
            {
                Sabotage(sabotage, version);
            }

            UpdateResult result = _lab.Boot(confirm: true);

            string what = $"update {update} ({(good ? "good" : sabotage)}): {result.Message}";
            if (good)
            {
                Assert.True(result.Outcome == UpdateOutcome.Installed, what);
                Assert.True(update == 1 || result.FilesCopied == 1, what);
                previous = active == "none" ? null : active;
                active = version;
                installed++;
            }
            else
            {
                Assert.True(result.Outcome == UpdateOutcome.Refused, what);
                refused++;
            }

            _lab.AssertActive(active);
            Assert.Equal(previous, _lab.Inspect().PreviousVersion());
            Assert.Equal(blinkyOf(active), File.ReadAllBytes(Path.Combine(_lab.DeviceRoot, _lab.Inspect().State.Active!, "Blinky.pe")));
        }

        Assert.Equal((50, 50), (installed, refused));

        static byte[] blinkyOf(string version) => ReleaseLab.Content(1000 + int.Parse(version[2..]), 3000 + int.Parse(version[2..]));
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
}
