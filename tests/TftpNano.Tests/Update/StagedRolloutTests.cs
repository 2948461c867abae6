using System.Security.Cryptography;
using System.Text;
using TftpNano.Host.Update;
using TftpNano.Tests.Support;
using TftpNano.Update;
using TftpNano.Update.Manifest;

namespace TftpNano.Tests.Update;

/// <summary>
/// Releases published in stages: the manifest's rollout and devices lines, the buckets, and a fleet of
/// host devices against the embedded server.
/// </summary>
public sealed class StagedRolloutTests
{
    private static readonly ReleaseFile[] OneFile = [new("Blinky.pe", 10, TftpNano.Security.DigestKind.Sha256, new byte[32])];

    [Theory]
    [InlineData("dev-01", "1.0.0", 62)]
    [InlineData("240ac4123456", "2.1", 85)]
    [InlineData("lab-1", "1.4.2", 40)]
    public void ABucketIsTheFirstFourBytesOfTheSha256OfIdAndVersionModuloAHundred(string id, string version, int bucket)
    {
        // The vectors come from `printf 'ID VERSION' | sha256sum`: the first 8 hex digits, modulo 100.
        Assert.Equal(bucket, StagedRollout.Bucket(id, ReleaseVersion.TryParse(version)!));
        byte[] digest = SHA256.HashData(Encoding.ASCII.GetBytes($"{id} {version}"));
        Assert.Equal(bucket, (int)(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(digest) % 100));
    }

    [Theory]
    [InlineData("dev-01", true)]
    [InlineData("A.b_c-9", true)]
    [InlineData("", false)]
    [InlineData(".", false)]
    [InlineData("..", false)]
    [InlineData("a/b", false)]
    [InlineData("a b", false)]
    [InlineData("é", false)]
    public void ADeviceIdIsOneToSixtyFourLettersDigitsDotsUnderscoresAndDashes(string id, bool valid)
    {
        Assert.Equal(valid, StagedRollout.CheckDeviceId(id) is null);
        Assert.Null(StagedRollout.CheckDeviceId(new string('x', 64)));
        Assert.NotNull(StagedRollout.CheckDeviceId(new string('x', 65)));
    }

    [Fact]
    public void RolloutAndDevicesRoundTripAndAreSigned()
    {
        string[] canaries = Enumerable.Range(1, 10).Select(i => $"canary-{i:D2}-{new string('c', 50)}").ToArray();
        ReleaseManifest manifest = ReleaseManifest.Create("fw/stable", "2.0.0", "Blinky.Program.Main", [], 25, canaries, OneFile);
        byte[] bytes = manifest.ToBytes();
        string text = Encoding.ASCII.GetString(bytes);
        Assert.Contains("\nrollout 25\n", text, StringComparison.Ordinal);
        Assert.All(text.Split('\n'), line => Assert.True(line.Length <= ReleaseManifest.MaxLineLength, line));
        Assert.True(text.Split('\n').Count(l => l.StartsWith("devices ", StringComparison.Ordinal)) > 1);

        ReleaseManifest read = ReleaseManifest.Parse(bytes, bytes.Length);
        Assert.Equal(25, read.RolloutPercent);
        Assert.Equal(canaries, read.Devices);
        Assert.Equal(bytes, read.ToBytes());

        ReleaseManifest everyone = ReleaseManifest.Create("fw/stable", "2.0.0", "Blinky.Program.Main", [], OneFile);
        Assert.Equal(100, everyone.RolloutPercent);
        Assert.Empty(everyone.Devices);
        Assert.DoesNotContain("rollout", Encoding.ASCII.GetString(everyone.ToBytes()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rollout 101\n", "percentage")]
    [InlineData("rollout -1\n", "percentage")]
    [InlineData("rollout 25\nrollout 30\n", "not understood")]
    [InlineData("devices a/b\n", "character")]
    [InlineData("devices a a\n", "twice")]
    [InlineData("devices\n", "not understood")]
    public void BadRolloutLinesAreRefused(string lines, string says)
    {
        string text = "tftpnano-manifest 1\nversion 1.0.0\nentry Blinky.Program.Main\n" + lines
            + "file Blinky.pe 10 " + new string('0', 64) + "\n";
        byte[] bytes = Encoding.ASCII.GetBytes(text);
        UpdateException e = Assert.Throws<UpdateException>(() => ReleaseManifest.Parse(bytes, bytes.Length));
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AManifestTooLongForADeviceIsRefusedWhenItIsMade()
    {
        ReleaseFile[] files = Enumerable.Range(0, ReleaseManifest.MaxFiles)
            .Select(i => new ReleaseFile($"{i:D2}{new string('f', 59)}.pe", 1, TftpNano.Security.DigestKind.HmacSha256Chain, new byte[32])).ToArray();
        RequiredAssembly[] needs = Enumerable.Range(0, ReleaseManifest.MaxNeeds).Select(i => new RequiredAssembly($"N{i:D2}{new string('n', 40)}", 1, 0)).ToArray();
        string[] devices = Enumerable.Range(0, ReleaseManifest.MaxDevices).Select(i => $"{i:D2}{new string('d', 62)}").ToArray();
        Assert.True(ReleaseManifest.Create("fw/stable", "1.0.0", "Blinky.Program.Main", needs, 10, [], files).ToBytes().Length <= ReleaseManifest.MaxLength);
        UpdateException e = Assert.Throws<UpdateException>(() =>
            ReleaseManifest.Create("fw/stable", "1.0.0", "Blinky.Program.Main", needs, 10, devices, files));
        Assert.Equal(UpdateFailure.ManifestTooLarge, e.Failure);
    }

    [Fact]
    public void FortyDevicesTakeAReleaseInStagesAndACanaryTakesItFirst()
    {
        using var lab = new ReleaseLab();
        string[] ids = Enumerable.Range(1, 40).Select(i => $"dev-{i:D2}").ToArray();
        lab.Publish("1.0.0", ("Blinky.pe", ReleaseLab.Content(1, 2000)));
        Assert.All(ids, id => Assert.Equal(UpdateOutcome.Installed, Boot(lab, id).Outcome));

        // 0 %, with one canary: only the canary.
        Publish(lab, "2.0.0", 0, "dev-07");
        Dictionary<string, UpdateResult> results = ids.ToDictionary(id => id, id => Boot(lab, id));
        Assert.Equal(["dev-07"], results.Where(r => r.Value.Outcome == UpdateOutcome.Installed).Select(r => r.Key));
        Assert.All(results.Where(r => r.Key != "dev-07"), r => Assert.Equal(UpdateOutcome.NotInRollout, r.Value.Outcome));
        Assert.StartsWith("Not in rollout: release 2.0.0 goes to 0 % of devices", results["dev-01"].Message, StringComparison.Ordinal);

        // 25 %: about a quarter, exactly those whose bucket is below 25, and the canary stays.
        Publish(lab, "2.0.0", 25);
        results = ids.ToDictionary(id => id, id => Boot(lab, id));
        string[] installed = results.Where(r => r.Value.Outcome == UpdateOutcome.Installed).Select(r => r.Key).ToArray();
        Assert.InRange(installed.Length, 4, 16);
        Assert.Equal(ids.Where(id => id != "dev-07" && StagedRollout.Bucket(id, ReleaseVersion.TryParse("2.0.0")!) < 25), installed);
        Assert.Equal(UpdateOutcome.UpToDate, results["dev-07"].Outcome);

        // 100 %: everyone else; then nobody has anything to do.
        Publish(lab, "2.0.0", 100);
        results = ids.ToDictionary(id => id, id => Boot(lab, id));
        Assert.Equal(40 - installed.Length - 1, results.Count(r => r.Value.Outcome == UpdateOutcome.Installed));
        Assert.All(ids, id => Assert.Equal(UpdateOutcome.UpToDate, Boot(lab, id).Outcome));
        Assert.All(ids, id => Assert.Equal("2.0.0", Boot(lab, id).ActiveVersion));
    }

    [Fact]
    public void ADeviceOutsideTheRolloutFetchesNoSignatureAndADeviceWithoutIdTakesOnlyAFullRollout()
    {
        using var lab = new ReleaseLab();
        lab.Publish("1.0.0", ("Blinky.pe", ReleaseLab.Content(1, 2000)));
        Assert.Equal(UpdateOutcome.Installed, Boot(lab, null).Outcome);
        Publish(lab, "2.0.0", 99);
        int before = lab.Server.Server.FinishedTransfers.Count;

        Assert.Equal(UpdateOutcome.NotInRollout, Boot(lab, null).Outcome);
        Assert.True(lab.Server.Server.WaitForFinishedTransfers(before + 1, TimeSpan.FromSeconds(10)));
        Thread.Sleep(200);
        Assert.Equal([ReleaseManifest.FileName], lab.Server.Server.FinishedTransfers.Skip(before).Select(t => Path.GetFileName(t.FileName)));
    }

    private static void Publish(ReleaseLab lab, string version, int rollout, params string[] devices) =>
        ReleasePublisher.Publish(lab.Channel, ReleaseLab.ChannelName, version, ReleaseLab.EntryPoint, ["Blinky.pe"], lab.PrivateKeyPath,
            rollout: rollout, devices: devices);

    private static UpdateResult Boot(ReleaseLab lab, string? id)
    {
        TftpNano.Update.UpdateSettings settings = lab.Settings();
        settings.DeviceId = id;
        return lab.Boot(confirm: true, settings: settings, storage: new HostStorage(Path.Combine(lab.WorkspaceRoot, "devices", id ?? "none")));
    }
}
