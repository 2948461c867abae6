using TftpNano.Cli.Update;
using TftpNano.Host.Update;
using TftpNano.Tests.Support;
using TftpNano.Update;
using TftpNano.Update.Manifest;
using TftpNano.Update.Storage;
using Xunit.Abstractions;

namespace TftpNano.Tests.Update;

/// <summary>
/// The power fails after each single storage operation of an update, a rollback and a confirmation,
/// and in the middle of each (a write torn, a folder half deleted, a file created empty); every time,
/// the next boot finds one complete, intact release, and carrying on converges.
/// </summary>
public sealed class PowerCutTests(ITestOutputHelper output) : IDisposable
{
    private static readonly byte[] Drivers = ReleaseLab.Content(21, 20_000);
    private static readonly byte[] Blinky1 = ReleaseLab.Content(22, 6_000);
    private static readonly byte[] Blinky2 = ReleaseLab.Content(23, 6_500);
    private static readonly byte[] Extra = ReleaseLab.Content(24, 3_000);

    private readonly ReleaseLab _lab = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DuringAnUpdate(bool inside)
    {
        _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        _lab.Publish("2.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2), ("Extra.pe", Extra));

        (int[] outcomes, int operations) = CutAtEveryOperation(after: root =>
        {
            // Carrying on from whatever the cut left ends with the new release, once.
            UpdateResult resumed = _lab.Boot(confirm: true, storage: new FaultyStorage(root));
            Assert.NotEqual(UpdateOutcome.Refused, resumed.Outcome);
            _lab.AssertActive("2.0", root);
        }, "1.0", "2.0", inside);

        output.WriteLine($"{operations + 1} cuts {(inside ? "inside" : "after")} operations: {outcomes[0]} rebooted into 1.0, {outcomes[1]} into 2.0");

        // Copying, downloading (a write per block), activating and committing all happened under the cuts.
        Assert.True(operations > 30, $"{operations} operations");
        Assert.True(outcomes[0] > 0 && outcomes[1] > 0, $"old {outcomes[0]}, new {outcomes[1]}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DuringARollback(bool inside)
    {
        _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        _lab.Publish("2.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2));
        for (int boot = 0; boot < UpdateSettings.DefaultMaxTrialBoots; boot++)
        {
            _lab.Boot();
        }

        (int[] outcomes, _) = CutAtEveryOperation(after: root =>
        {
            UpdateResult resumed = _lab.Boot(storage: new FaultyStorage(root));
            Assert.NotEqual(UpdateOutcome.Refused, resumed.Outcome);
            _lab.AssertActive("1.0", root);
        }, "2.0", "1.0", inside);
        Assert.True(outcomes[0] > 0 && outcomes[1] > 0, $"trial {outcomes[0]}, rolled back {outcomes[1]}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DuringAConfirmation(bool inside)
    {
        _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        _lab.Publish("2.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2));
        _lab.Boot();
        string template = Template();
        var clean = new FaultyStorage(Fresh(template, -1));
        var measured = new ReleaseStore(clean);
        measured.Recover();
        Assert.True(measured.Confirm());
        int operations = clean.Operations;

        for (int cut = 0; cut < operations; cut++)
        {
            string root = Fresh(template, cut);
            var store = new ReleaseStore(new FaultyStorage(root) { CutAfter = cut, CutInside = inside });
            Assert.Throws<PowerCutException>(() =>
            {
                store.Recover();
                store.Confirm();
            });

            _lab.AssertActive("2.0", root);
            Assert.Equal("1.0", _lab.Inspect(root).PreviousVersion());
        }

        // A commit is one slot of the record written in place: its creation and its write, each cut.
        Assert.True(operations >= 2, $"{operations} operations");
    }

    [Fact]
    public void ARenameHalfDoneByABootAppFromBeforeIsCleanedUp()
    {
        // Boot apps before this one staged in "staging" and renamed it to the release folder; on FAT a
        // cut inside that rename leaves both names. Staged here up to the commit, then given both names.
        _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        _lab.Publish("2.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2));
        string template = Template();
        string measured = Fresh(template, -1);
        var measuring = new FaultyStorage(measured);
        _lab.Boot(storage: measuring);
        string staged = _lab.Inspect(measured).State.Active!;
        byte[] manifest = File.ReadAllBytes(Path.Combine(_lab.Channel, ReleaseManifest.FileName));

        // The first cut after which the folder holds the whole manifest: the record is not written yet.
        string? root = null;
        for (int cut = 0; cut < measuring.Operations; cut++)
        {
            root = Fresh(template, cut);
            try
            {
                _lab.Boot(storage: new FaultyStorage(root) { CutAfter = cut });
            }
            catch (PowerCutException)
            {
            }

            string written = Path.Combine(root, staged, ReleaseManifest.FileName);
            if (File.Exists(written) && File.ReadAllBytes(written).SequenceEqual(manifest))
            {
                break;
            }
        }

        FolderCopy.All(Path.Combine(root!, staged), Path.Combine(root!, "staging"));
        Assert.Equal(3, Directory.GetDirectories(root!).Length);

        _lab.AssertActive("1.0", root);
        Assert.Equal(UpdateOutcome.Installed, _lab.Boot(confirm: true, storage: new HostStorage(root!)).Outcome);
        _lab.AssertActive("2.0", root);
    }

    // Runs the next boot once per storage operation it performs, cutting the power after operation
    // 0, 1, ... n (or in the middle of the next one); after each cut, a reboot must find the release
    // 'before' or 'after', whole.
    private (int[] Outcomes, int Operations) CutAtEveryOperation(Action<string> after, string before, string afterVersion, bool inside)
    {
        string template = Template();
        var clean = new FaultyStorage(Fresh(template, -1));
        _lab.Boot(storage: clean);
        int operations = clean.Operations;

        int[] outcomes = new int[2];
        for (int cut = 0; cut <= operations; cut++)
        {
            string root = Fresh(template, cut);
            try
            {
                _lab.Boot(storage: new FaultyStorage(root) { CutAfter = cut, CutInside = inside });
            }
            catch (PowerCutException)
            {
            }

            ReleaseStore store = _lab.Inspect(root);
            string? version = store.ActiveManifest?.Version.ToString();
            Assert.True(version == before || version == afterVersion, $"cut after {cut} of {operations}: active {version ?? "none"}");
            _lab.AssertActive(version!, root);
            outcomes[version == before ? 0 : 1]++;
            after(root);
            Directory.Delete(root, recursive: true);
        }

        return (outcomes, operations);
    }

    private string Template()
    {
        string template = Path.Combine(_lab.WorkspaceRoot, "template");
        FolderCopy.All(_lab.DeviceRoot, template);
        return template;
    }

    private string Fresh(string template, int cut)
    {
        string root = Path.Combine(_lab.WorkspaceRoot, $"cut{cut}");
        FolderCopy.All(template, root);
        return root;
    }

    public void Dispose() => _lab.Dispose();
}
