using System.Net;
using System.Text;
using TftpNano.Cli.Update;
using TftpNano.Host.Server;
using TftpNano.Host.Update;
using TftpNano.Tests.Support;
using TftpNano.Transfer;
using TftpNano.Update;
using TftpNano.Update.Storage;

namespace TftpNano.Tests.Update;

/// <summary>
/// The updater against the embedded TFTP server: installs, delta updates, trial and rollback.
/// </summary>
public sealed class UpdaterTests : IDisposable
{
    private static readonly byte[] Drivers = ReleaseLab.Content(1, 40_000);
    private static readonly byte[] Blinky1 = ReleaseLab.Content(2, 9_000);
    private static readonly byte[] Blinky2 = ReleaseLab.Content(3, 9_500);
    private static readonly byte[] Blinky3 = ReleaseLab.Content(4, 10_000);

    private readonly ReleaseLab _lab = new();

    [Fact]
    public void InstallsOnAnEmptyCardAndStartsOnTrial()
    {
        _lab.Publish("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        UpdateResult result = _lab.Boot();

        Assert.Equal(UpdateOutcome.Installed, result.Outcome);
        Assert.Equal("1.0", result.ActiveVersion);
        Assert.Equal(2, result.FilesDownloaded);
        _lab.AssertActive("1.0");
        ReleaseStore store = _lab.Inspect();
        Assert.False(store.State.Confirmed);
        Assert.Equal(1, store.State.Boots);
        Assert.Equal(["Drivers.pe", "Blinky.pe"], store.ActiveManifest!.Files.Select(f => f.Name));
        Assert.Equal(Blinky1, File.ReadAllBytes(Path.Combine(_lab.DeviceRoot, store.State.Active!, "Blinky.pe")));
    }

    [Fact]
    public void AReleaseThatDoesNotFitIsRefusedOnceAndNotFetchedAgainUntilItsManifestChanges()
    {
        _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        _lab.Publish("2.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2), ("data.bin", ReleaseLab.Content(5, 200_000)));
        var card = new SmallCard(new HostStorage(_lab.DeviceRoot), room: 100_000);

        UpdateResult first = _lab.Boot(storage: card);
        Assert.Equal((UpdateOutcome.Refused, UpdateFailure.InsufficientSpace), (first.Outcome, first.Failure));
        Assert.Contains("data.bin needs 200000 bytes and the volume has room for 100000.", first.Message, StringComparison.Ordinal);

        // The same manifest again: neither its signature nor a file is fetched, at this boot or the next.
        int transfers = _lab.Server.Server.FinishedTransfers.Count;
        UpdateResult second = _lab.Boot(storage: card);
        UpdateResult third = _lab.Boot(storage: card);
        Assert.Equal((UpdateOutcome.Skipped, UpdateOutcome.Skipped), (second.Outcome, third.Outcome));
        Assert.Equal("Release 2.0 could not be stored at an earlier boot; it is fetched again once the server offers another manifest.", second.Message);
        Assert.True(_lab.Server.Server.WaitForFinishedTransfers(transfers + 2, TimeSpan.FromSeconds(5)));
        Assert.Equal(transfers + 2, _lab.Server.Server.FinishedTransfers.Count);
        _lab.AssertActive("1.0");

        // Another manifest (a smaller data file here) is tried, and fits.
        _lab.Publish("2.1", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2), ("data.bin", ReleaseLab.Content(6, 50_000)));
        UpdateResult fixedOne = _lab.Boot(storage: card);
        Assert.True(fixedOne.Outcome == UpdateOutcome.Installed, fixedOne.Message);
        Assert.Null(_lab.Inspect().State.TooLarge);
    }

    [Fact]
    public void ARecordDamagedInEveryCopyIsRebuiltFromTheNewestReleaseThatVerifies()
    {
        // SD cards and flash translation layers lose small, recently written files on power loss.
        _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        _lab.Install("2.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2));
        foreach (string record in Directory.GetFiles(_lab.DeviceRoot, "state*"))
        {
            byte[] bytes = File.ReadAllBytes(record);
            bytes[bytes.Length / 2] ^= 0x20;
            File.WriteAllBytes(record, bytes);
        }

        UpdateResult result = _lab.Boot();

        // Nothing newer on the server: up to date with the rebuilt record, 2.0 active again, on trial.
        Assert.True(result.Outcome == UpdateOutcome.UpToDate, result.Message);
        Assert.Equal("2.0", result.ActiveVersion);
        ReleaseStore store = _lab.Inspect();
        Assert.False(store.State.Confirmed);
        Assert.Equal(1, store.State.Boots);
        Assert.Null(store.VerifyActive());
    }

    [Fact]
    public void ASlotTornAtAnyLengthLeavesTheOtherSlotsRecord()
    {
        _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        _lab.Install("2.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2));
        string[] slots = Directory.GetFiles(_lab.DeviceRoot, "state.*").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["state.a", "state.b"], slots.Select(Path.GetFileName));
        InstallState[] records = slots.Select(p => File.ReadAllBytes(p)).Select(b => InstallState.TryParse(b, b.Length)!).ToArray();
        int newest = records[0].Sequence > records[1].Sequence ? 0 : 1;
        byte[] whole = File.ReadAllBytes(slots[newest]);

        for (int length = 0; length < whole.Length; length++)
        {
            string root = Path.Combine(_lab.WorkspaceRoot, "torn" + length);
            FolderCopy.All(_lab.DeviceRoot, root);
            File.WriteAllBytes(Path.Combine(root, Path.GetFileName(slots[newest])), whole[..length]);

            ReleaseStore store = _lab.Inspect(root);
            Assert.Equal(records[1 - newest].Sequence, store.State.Sequence);
            Assert.Equal(records[1 - newest].Active, store.State.Active);
            Assert.Null(store.VerifyActive());
        }
    }

    [Fact]
    public void TheRecordOfABootAppFromBeforeTheSlotsIsReadThenReplaced()
    {
        _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        string[] slots = Directory.GetFiles(_lab.DeviceRoot, "state.*");
        InstallState newest = slots.Select(p => File.ReadAllBytes(p)).Select(b => InstallState.TryParse(b, b.Length)).OfType<InstallState>()
            .MaxBy(r => r.Sequence)!;
        foreach (string slot in slots)
        {
            File.Delete(slot);
        }

        File.WriteAllBytes(Path.Combine(_lab.DeviceRoot, "state"), newest.ToBytes());

        Assert.Equal(UpdateOutcome.UpToDate, _lab.Boot().Outcome);

        Assert.False(File.Exists(Path.Combine(_lab.DeviceRoot, "state")));
        _lab.AssertActive("1.0");
        Assert.True(_lab.Inspect().State.Confirmed);
    }

    [Fact]
    public void AReleaseSignedForAnotherChannelIsRefused()
    {
        // One fleet key signs every channel: beta's signed 3.0 copied into the stable folder must not install.
        _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        File.WriteAllBytes(Path.Combine(_lab.Channel, "Blinky.pe"), Blinky3);
        ReleasePublisher.Publish(_lab.Channel, "fw/beta", "3.0", ReleaseLab.EntryPoint, ["Drivers.pe", "Blinky.pe"], _lab.PrivateKeyPath);

        UpdateResult result = _lab.Boot();

        Assert.Equal((UpdateOutcome.Refused, UpdateFailure.WrongChannel), (result.Outcome, result.Failure));
        Assert.Equal("The manifest is for channel fw/beta, not channel fw/stable which this device updates from; "
            + "publish it with tftpnano manifest --channel fw/stable.", result.Message);
        _lab.AssertActive("1.0");
    }

    [Fact]
    public void AnOldFolderThatCannotBeDeletedIsAWarningNotARefusal()
    {
        _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        _lab.Install("2.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2));
        _lab.Publish("3.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky3));
        var log = new List<string>();

        UpdateResult result = UpdateRunner.Run(_lab.Settings(), new FaultyStorage(_lab.DeviceRoot) { ReleaseFoldersCannotBeDeleted = true },
            confirm: false, log: log.Add).Result;

        // 3.0 is committed, active and on trial: that is an install, and the leftover folder a warning.
        Assert.True(result.Outcome == UpdateOutcome.Installed, result.Message);
        Assert.Equal("3.0", result.ActiveVersion);
        Assert.Contains(log, l => l.StartsWith("Warning: ", StringComparison.Ordinal) && l.Contains("r1", StringComparison.Ordinal));

        // The next boot, on storage that works again, deletes it.
        Assert.Equal(UpdateOutcome.UpToDate, _lab.Boot().Outcome);
        _lab.AssertActive("3.0");
    }

    [Fact]
    public void TheSameManifestIsUpToDateWithoutFetchingOrVerifyingMore()
    {
        _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        int before = _lab.ServedFiles().Length;

        UpdateResult result = _lab.Boot();

        Assert.Equal(UpdateOutcome.UpToDate, result.Outcome);
        Assert.True(_lab.Server.Server.WaitForFinishedTransfers(before + 1, TimeSpan.FromSeconds(5)));
        Thread.Sleep(200);
        Assert.Equal(["manifest"], _lab.ServedFiles().Skip(before));
        _lab.AssertActive("1.0");
    }

    [Fact]
    public void OnlyChangedFilesAreFetchedAndTheOldReleaseIsKept()
    {
        _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        int before = _lab.ServedFiles().Length;
        _lab.Publish("1.1", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2));

        UpdateResult result = _lab.Boot();

        Assert.Equal(UpdateOutcome.Installed, result.Outcome);
        Assert.Equal((1, 1, (long)Blinky2.Length), (result.FilesDownloaded, result.FilesCopied, result.BytesDownloaded));
        Assert.True(_lab.Server.Server.WaitForFinishedTransfers(before + 3, TimeSpan.FromSeconds(5)));
        Assert.Equal(["manifest", "manifest.sig", "Blinky.pe"], _lab.ServedFiles().Skip(before));
        _lab.AssertActive("1.1");
        Assert.Equal("1.0", _lab.Inspect().PreviousVersion());
    }

    [Fact]
    public void ADamagedLocalCopyIsFetchedInsteadOfCopied()
    {
        _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        string installed = Path.Combine(_lab.DeviceRoot, _lab.Inspect().State.Active!, "Drivers.pe");
        byte[] damaged = File.ReadAllBytes(installed);
        damaged[100] ^= 0xFF;
        File.WriteAllBytes(installed, damaged);
        _lab.Publish("1.1", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2));

        UpdateResult result = _lab.Boot();

        Assert.Equal(UpdateOutcome.Installed, result.Outcome);
        Assert.Equal(2, result.FilesDownloaded);
        _lab.AssertActive("1.1");
    }

    [Fact]
    public void AnUnconfirmedReleaseIsRolledBackAfterItsTrialAndNotReinstalled()
    {
        _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        _lab.Publish("2.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2));
        Assert.Equal(UpdateOutcome.Installed, _lab.Boot().Outcome);
        Assert.Equal(UpdateOutcome.UpToDate, _lab.Boot().Outcome);
        Assert.Equal(UpdateOutcome.UpToDate, _lab.Boot().Outcome);
        Assert.Equal(3, _lab.Inspect().State.Boots);

        UpdateResult rollback = _lab.Boot();

        Assert.Equal(("2.0", "1.0"), (rollback.RolledBackFrom, rollback.RolledBackTo));
        Assert.Equal(UpdateOutcome.Skipped, rollback.Outcome);
        _lab.AssertActive("1.0");
        Assert.True(_lab.Inspect().State.Confirmed);
        Assert.Equal("2.0", _lab.Inspect().State.Rejected);
        Assert.Equal(UpdateOutcome.Skipped, _lab.Boot().Outcome);

        _lab.Publish("2.1", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky3));
        Assert.Equal(UpdateOutcome.Installed, _lab.Boot(confirm: true).Outcome);
        _lab.AssertActive("2.1");
        Assert.Equal("1.0", _lab.Inspect().PreviousVersion());
    }

    [Fact]
    public void AConfirmedReleaseIsNeverRolledBack()
    {
        _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        _lab.Install("2.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2));
        for (int boot = 0; boot < 6; boot++)
        {
            UpdateResult result = _lab.Boot();
            Assert.Equal(UpdateOutcome.UpToDate, result.Outcome);
            Assert.Null(result.RolledBackTo);
        }

        _lab.AssertActive("2.0");
    }

    [Fact]
    public void AnUpdateDuringATrialKeepsTheLastConfirmedReleaseAsTheFallback()
    {
        _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        _lab.Publish("2.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2));
        Assert.Equal(UpdateOutcome.Installed, _lab.Boot().Outcome);
        _lab.Publish("3.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky3));
        Assert.Equal(UpdateOutcome.Installed, _lab.Boot().Outcome);
        Assert.Equal("1.0", _lab.Inspect().PreviousVersion());
        _lab.AssertActive("3.0");

        UpdateResult last = new();
        for (int boot = 0; boot < 3; boot++)
        {
            last = _lab.Boot();
        }

        Assert.Equal("1.0", last.RolledBackTo);
        _lab.AssertActive("1.0");
    }

    [Fact]
    public void ADowngradeIsRefusedUnlessAllowed()
    {
        _lab.Install("2.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2));
        _lab.Publish("1.9", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));

        UpdateResult refused = _lab.Boot();
        Assert.Equal((UpdateOutcome.Refused, UpdateFailure.Downgrade), (refused.Outcome, refused.Failure));
        Assert.Contains("older than the installed 2.0", refused.Message);
        _lab.AssertActive("2.0");

        UpdateSettings allow = _lab.Settings();
        allow.AllowDowngrade = true;
        Assert.Equal(UpdateOutcome.Installed, _lab.Boot(settings: allow).Outcome);
        _lab.AssertActive("1.9");
    }

    [Fact]
    public void UnsignedReleasesInstallWhenNoKeyIsConfigured()
    {
        _lab.Publish("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        File.Delete(Path.Combine(_lab.Channel, "manifest.sig"));
        Assert.Equal(UpdateOutcome.Installed, _lab.Boot(settings: _lab.Settings(signed: false)).Outcome);
        _lab.AssertActive("1.0");
    }

    [Fact]
    public void AMissingActiveReleaseFallsBackToThePreviousOne()
    {
        _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        _lab.Install("2.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2));
        Directory.Delete(Path.Combine(_lab.DeviceRoot, _lab.Inspect().State.Active!), recursive: true);

        _lab.AssertActive("1.0");
    }

    public void Dispose() => _lab.Dispose();
}

/// <summary>A card with room for files up to a size: a larger one is found not to fit when it is created.</summary>
internal sealed class SmallCard(IUpdateStorage inner, long room) : IUpdateStorage
{
    public bool FileExists(string path) => inner.FileExists(path);

    public string[] GetFolders() => inner.GetFolders();

    public Stream OpenRead(string path) => inner.OpenRead(path);

    public Stream CreateFile(string path, long length) =>
        length > room ? throw new StorageException(path, length, room) : inner.CreateFile(path, length);

    public void CreateFolder(string path) => inner.CreateFolder(path);

    public void DeleteFolder(string path) => inner.DeleteFolder(path);

    public void DeleteFile(string path) => inner.DeleteFile(path);

    public long GetFreeSpace() => -1;
}
