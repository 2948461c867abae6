using TftpNano.Application;
using TftpNano.Boot;
using TftpNano.Cli.Net;
using TftpNano.Cli.Update;
using TftpNano.Host.Net;
using TftpNano.Host.Server;
using TftpNano.Host.Update;
using TftpNano.Tests.Support;
using TftpNano.Transfer;
using TftpNano.Update;
using TftpNano.Update.Manifest;
using TftpNano.Update.Storage;
using TftpNano.Update.Streams;

namespace TftpNano.Tests.Boot;

/// <summary>
/// The boot app's decisions, run on the host against the embedded server and a host folder: only the
/// hardware steps are stood in for, each recorded.
/// </summary>
[Collection(nameof(ApplicationHealth))]
public sealed class BootSequenceTests : IDisposable
{
    private static readonly byte[] Drivers = ReleaseLab.Content(71, 12_000);
    private static readonly byte[] Blinky1 = ReleaseLab.Content(72, 3_000);
    private static readonly byte[] Blinky2 = ReleaseLab.Content(73, 3_100);

    private readonly ReleaseLab _lab = new();

    private string Settings => $"server=127.0.0.1\nport={_lab.Server.EndPoint.Port}\nchannel={ReleaseLab.ChannelName}\n"
        + $"publickey={File.ReadAllText(_lab.PublicKeyPath).Trim()}\ntimeout=100\n";

    [Fact]
    public void InstallsThenStartsTheNewReleaseWhichConfirmsItself()
    {
        _lab.Publish("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        var platform = new RecordingPlatform(_lab, Settings);

        BootReport report = new BootSequence(platform).Run();

        Assert.Equal(BootOutcome.Launched, report.Outcome);
        Assert.Equal(UpdateOutcome.Installed, report.Update!.Outcome);
        Assert.Equal("1.0", report.Version);
        Assert.Equal((_lab.Inspect().State.Active, "1.0"), Assert.Single(platform.Launches));
        Assert.Contains("boot: starting release 1.0 on trial (start 1 of 3): Blinky.Program.Main", platform.Lines);
        Assert.True(ApplicationHealth.Confirm());
        Assert.True(_lab.Inspect().State.Confirmed);
        Assert.False(ApplicationHealth.Confirm());
    }

    [Fact]
    public void WithoutNetworkTheTrialStillRunsOutAndTheReleaseIsRolledBack()
    {
        _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        _lab.Publish("2.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2));
        Assert.Equal(UpdateOutcome.Installed, _lab.Boot().Outcome);
        int served = _lab.ServedFiles().Length;

        var platform = new RecordingPlatform(_lab, Settings) { NetworkUp = false };
        BootReport second = new BootSequence(platform).Run();
        BootReport third = new BootSequence(platform).Run();
        BootReport fourth = new BootSequence(platform).Run();

        Assert.Equal(["2.0", "2.0", "1.0"], new[] { second.Version, third.Version, fourth.Version });
        Assert.Equal("1.0", fourth.Update!.RolledBackTo);
        Assert.Contains("network: not up within 30 s; the server is not asked.", platform.Lines);
        Assert.Equal(served, _lab.ServedFiles().Length);
        _lab.AssertActive("1.0");
    }

    [Fact]
    public void BadSettingsSkipTheUpdateAndStartTheInstalledRelease()
    {
        _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        _lab.Publish("2.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2));
        var platform = new RecordingPlatform(_lab, "server=tftp.example\nwindowsize=16\n");

        BootReport report = new BootSequence(platform).Run();

        Assert.Equal((BootOutcome.Launched, "1.0"), (report.Outcome, report.Version));
        Assert.Equal(UpdateOutcome.NotChecked, report.Update!.Outcome);
        Assert.Contains("settings: Line 1: server must be an IPv4 address such as 192.168.1.10, not 'tftp.example'.", platform.Lines);
        Assert.Contains("settings: Line 2: windowsize must be a whole number from 1 to 4, not '16'.", platform.Lines);
        Assert.Contains("update: skipped until the settings are fixed.", platform.Lines);
        Assert.False(platform.NetworkAsked);
    }

    [Fact]
    public void ANetworkThatFailsUnderTheUpdaterStillCountsTheStart()
    {
        // Wi-Fi dropping after it came up: every send fails. The start must still be counted, or a
        // release that crashes on a flaky network would stay on trial for ever.
        _lab.Publish("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        Assert.Equal(UpdateOutcome.Installed, _lab.Boot().Outcome);
        var platform = new RecordingPlatform(_lab, Settings) { SendsFail = true };

        BootReport second = new BootSequence(platform).Run();
        BootReport third = new BootSequence(platform).Run();

        Assert.Equal((BootOutcome.Launched, "1.0"), (third.Outcome, third.Version));
        Assert.Equal((UpdateOutcome.Refused, UpdateFailure.Download), (second.Update!.Outcome, second.Update.Failure));
        Assert.Contains("network", second.Update.Message, StringComparison.Ordinal);
        Assert.Contains("boot: starting release 1.0 on trial (start 2 of 3): Blinky.Program.Main", platform.Lines);
        Assert.Contains("boot: starting release 1.0 on trial (start 3 of 3): Blinky.Program.Main", platform.Lines);
        Assert.Equal(3, _lab.Inspect().State.Boots);
    }

    [Theory]
    [InlineData("09.1.1.1")]
    [InlineData("127.0.010.1")]
    public void AServerAddressWithLeadingZerosIsRefusedAndTheStartIsStillCounted(string address)
    {
        // .NET reads 127.0.010.1 as 127.0.8.1 (octal, as inet_aton does; 010.0.0.1 would be 8.0.0.1) and
        // throws on 09.1.1.1: only plain decimal octets pass.
        _lab.Publish("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        Assert.Equal(UpdateOutcome.Installed, _lab.Boot().Outcome);
        var platform = new RecordingPlatform(_lab, Settings.Replace("server=127.0.0.1", "server=" + address, StringComparison.Ordinal));

        BootReport report = new BootSequence(platform).Run();

        Assert.Equal((BootOutcome.Launched, "1.0"), (report.Outcome, report.Version));
        Assert.Contains($"settings: Line 1: server must be an IPv4 address such as 192.168.1.10, not '{address}'.", platform.Lines);
        Assert.Contains("boot: starting release 1.0 on trial (start 2 of 3): Blinky.Program.Main", platform.Lines);
        Assert.Equal(2, _lab.Inspect().State.Boots);
    }

    [Fact]
    public void ARefusedUpdateStartsTheInstalledRelease()
    {
        _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        _lab.Publish("2.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2));
        File.Delete(Path.Combine(_lab.Channel, "manifest.sig"));
        var platform = new RecordingPlatform(_lab, Settings);

        BootReport report = new BootSequence(platform).Run();

        Assert.Equal((BootOutcome.Launched, "1.0", UpdateOutcome.Refused), (report.Outcome, report.Version, report.Update!.Outcome));
        Assert.Contains(platform.Lines, l => l.StartsWith("update: The manifest is not signed", StringComparison.Ordinal));
        Assert.True(platform.Sockets.Opened >= 2, $"{platform.Sockets.Opened} sockets opened");
        Assert.Equal(platform.Sockets.Opened, platform.Sockets.Closed);
    }

    [Fact]
    public void AStorageThatCannotBeMountedStartsNothing()
    {
        var platform = new RecordingPlatform(_lab, Settings) { StorageFailure = new IOException("no SD card") };

        BootReport report = new BootSequence(platform).Run();

        Assert.Equal(BootOutcome.NoStorage, report.Outcome);
        Assert.Contains("storage: I:\\tftpnano cannot be used: System.IO.IOException: no SD card", platform.Lines);
        Assert.Empty(platform.Launches);
        Assert.False(platform.NetworkAsked);
    }

    [Fact]
    public void NothingInstalledAndNoServerIsNoRelease()
    {
        var platform = new RecordingPlatform(_lab, Settings) { NetworkUp = false };

        BootReport report = new BootSequence(platform).Run();

        Assert.Equal(BootOutcome.NoRelease, report.Outcome);
        Assert.Contains("boot: no release is installed.", platform.Lines);
    }

    [Fact]
    public void AReleaseOnTrialThatFailsToStartAsksForARestartAConfirmedOneDoesNot()
    {
        _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        var confirmed = new RecordingPlatform(_lab, Settings) { LaunchFailure = new InvalidOperationException("No assembly defines Blinky.Program.") };
        BootReport steady = new BootSequence(confirmed).Run();
        Assert.Equal((BootOutcome.LaunchFailed, false), (steady.Outcome, steady.RebootRecommended));
        Assert.Contains("boot: release 1.0 failed to start: System.InvalidOperationException: No assembly defines Blinky.Program.", confirmed.Lines);

        _lab.Publish("2.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2));
        var trial = new RecordingPlatform(_lab, Settings) { LaunchFailure = new InvalidOperationException("boom") };
        BootReport failing = new BootSequence(trial).Run();
        Assert.Equal((BootOutcome.LaunchFailed, "2.0", true), (failing.Outcome, failing.Version, failing.RebootRecommended));
    }

    [Fact]
    public void ARunningReleaseInstallsTheNextOneAndStartsItOnTrialAfterARestart()
    {
        _lab.Publish("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        // While a release runs its own assemblies are loaded too: Drivers and Blinky answer the lookup.
        var platform = new RecordingPlatform(_lab, Settings) { Loaded = ["Drivers", "Blinky"] };
        Assert.Equal(BootOutcome.Launched, new BootSequence(platform).Run().Outcome);
        Assert.True(ApplicationHealth.Confirm());
        Assert.Equal("1.0", ApplicationHealth.Version);

        UpdateResult upToDate = ApplicationHealth.CheckForUpdate();
        Assert.Equal((UpdateOutcome.UpToDate, "1.0"), (upToDate.Outcome, upToDate.ActiveVersion));
        Assert.False(ApplicationHealth.RestartPending);

        _lab.Publish("2.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2));
        int served = _lab.ServedFiles().Length;
        UpdateResult installed = ApplicationHealth.CheckForUpdate();

        Assert.True(installed.Outcome == UpdateOutcome.Installed, installed.Message);
        Assert.Equal(("2.0", 1, 1), (installed.ActiveVersion, installed.FilesDownloaded, installed.FilesCopied));
        Assert.Contains("update: Installed release 2.0 (1 fetched, 1 unchanged).", platform.Lines);
        Assert.Equal(["manifest", "manifest.sig", "Blinky.pe"], _lab.ServedFiles().Skip(served));
        Assert.True(ApplicationHealth.RestartPending);
        Assert.Equal("1.0", ApplicationHealth.Version);

        // The release that runs is 1.0: it cannot end 2.0's trial before 2.0 ever started.
        Assert.False(ApplicationHealth.Confirm());
        Assert.Equal((false, 0), (_lab.Inspect().State.Confirmed, _lab.Inspect().State.Boots));

        ApplicationHealth.Restart();
        Assert.Equal(1, platform.Restarts);
        Assert.Contains("boot: restart asked by release 1.0.", platform.Lines);

        var next = new RecordingPlatform(_lab, Settings);
        BootReport report = new BootSequence(next).Run();
        Assert.Equal((BootOutcome.Launched, "2.0", UpdateOutcome.UpToDate), (report.Outcome, report.Version, report.Update!.Outcome));
        Assert.Contains("boot: starting release 2.0 on trial (start 1 of 3): Blinky.Program.Main", next.Lines);
        Assert.True(ApplicationHealth.Confirm());
        _lab.AssertActive("2.0");
    }

    [Fact]
    public void AnUpdateAskedByTheApplicationIsRefusedLikeOneAtBootAndChangesNothing()
    {
        _lab.Publish("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        var platform = new RecordingPlatform(_lab, Settings);
        new BootSequence(platform).Run();
        int boots = _lab.Inspect().State.Boots;

        _lab.Publish("2.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2));
        File.Delete(Path.Combine(_lab.Channel, "manifest.sig"));
        UpdateResult refused = ApplicationHealth.CheckForUpdate();

        Assert.Equal((UpdateOutcome.Refused, UpdateFailure.SignatureMissing, "1.0"), (refused.Outcome, refused.Failure, refused.ActiveVersion));
        Assert.False(ApplicationHealth.RestartPending);
        Assert.Equal(boots, _lab.Inspect().State.Boots);
        Assert.True(ApplicationHealth.Confirm());
        _lab.AssertActive("1.0");
    }

    [Fact]
    public void WithBadSettingsTheApplicationsCheckAsksNoServer()
    {
        _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        var platform = new RecordingPlatform(_lab, "server=tftp.example\n");
        new BootSequence(platform).Run();
        int served = _lab.ServedFiles().Length;

        UpdateResult result = ApplicationHealth.CheckForUpdate();

        Assert.Equal((UpdateOutcome.NotChecked, "1.0"), (result.Outcome, result.ActiveVersion));
        Assert.Contains("settings", result.Message, StringComparison.Ordinal);
        Assert.Equal(served, _lab.ServedFiles().Length);
    }

    [Fact]
    public void AnApplicationTheBootAppDidNotStartIsToldSo()
    {
        ApplicationHealth.Attach(null!);

        Assert.Null(ApplicationHealth.Drive);
        Assert.Null(ApplicationHealth.Version);
        Assert.False(ApplicationHealth.Confirm());
        Assert.False(ApplicationHealth.RestartPending);
        Assert.Throws<InvalidOperationException>(() => ApplicationHealth.CheckForUpdate());
        Assert.Throws<InvalidOperationException>(ApplicationHealth.Restart);
    }

    [Fact]
    public void AFirstReleaseThatNeverStartsIsNotRestartedForEverAndAFixedOneIsStartedAfterARestart()
    {
        // Nothing to roll back to: restarting every few seconds would only wear the flash. The boot app
        // asks the server again, in the same power-up, without loading the broken release again.
        _lab.Publish("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        // The failed start loaded the release's assemblies, which then answer the boot app's lookup.
        var platform = new RecordingPlatform(_lab, Settings)
        {
            LaunchFailure = new InvalidOperationException("No method Blinky.Program.Nope."),
            Loaded = ["Drivers", "Blinky"],
        };
        var boot = new BootSequence(platform);

        BootReport first = boot.Run();
        Assert.Equal((BootOutcome.LaunchFailed, false), (first.Outcome, first.RebootRecommended));

        BootReport again = boot.Run();
        Assert.Equal((BootOutcome.LaunchFailed, false, UpdateOutcome.UpToDate), (again.Outcome, again.RebootRecommended, again.Update!.Outcome));
        Assert.Single(platform.Launches);
        Assert.Contains("boot: release 1.0 failed to start in this power-up; waiting for another release.", platform.Lines);
        Assert.Equal(1, _lab.Inspect().State.Boots);

        _lab.Publish("2.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2));
        BootReport fixedOne = boot.Run();
        Assert.Equal((BootOutcome.LaunchFailed, true, UpdateOutcome.Installed), (fixedOne.Outcome, fixedOne.RebootRecommended, fixedOne.Update!.Outcome));
        Assert.Single(platform.Launches);
        Assert.Contains("boot: release 2.0 is installed; restarting to start it with nothing of release 1.0 loaded.", platform.Lines);
    }

    [Fact]
    public void WithNothingInstalledTheNextAttemptStartsAReleaseThatAppearedMeanwhile()
    {
        var platform = new RecordingPlatform(_lab, Settings);
        var boot = new BootSequence(platform);
        Assert.Equal(BootOutcome.NoRelease, boot.Run().Outcome);

        _lab.Publish("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        BootReport next = boot.Run();

        Assert.Equal((BootOutcome.Launched, "1.0"), (next.Outcome, next.Version));
        Assert.Single(platform.Launches);
    }

    [Fact]
    public async Task AStorageWriteThatNeverReturnsRestartsTheDeviceWhichThenStartsTheActiveReleaseWithoutRefetching()
    {
        // A native file write waits for its I/O with no timeout: a card that never completes one used to
        // hold the boot for ever, with no release started.
        _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));
        _lab.Publish("2.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2));
        using var stalling = new StallingStorage(new HostStorage(_lab.DeviceRoot), "Blinky.pe");
        var platform = new RecordingPlatform(_lab, Settings + "storage.wait=5\n") { Storage = stalling };

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        Task<BootReport> held = Task.Run(() => new BootSequence(platform).Run());
        Assert.True(Poll.Until(() => platform.Restarts == 1, TimeSpan.FromSeconds(30)), string.Join("\n", platform.Snapshot()));
        TimeSpan restartedAfter = stopwatch.Elapsed;

        Assert.True(stalling.Stalled);
        Assert.InRange(restartedAfter, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15));
        Assert.Contains(platform.Snapshot(), l => l.StartsWith("storage: Writing r", StringComparison.Ordinal)
            && l.EndsWith("/Blinky.pe has not returned in 5 s; restarting.", StringComparison.Ordinal));
        Assert.Contains("storage: the release being installed is not fetched again until the server offers another manifest.", platform.Snapshot());
        Assert.False(held.IsCompleted);

        // What the restart finds: the active release, the stalled one recorded; the held call then fails
        // as a card pulled out would, which a real device never sees.
        _lab.AssertActive("1.0");
        Assert.NotNull(_lab.Inspect().State.TooLarge);
        stalling.Release();
        await held.WaitAsync(TimeSpan.FromSeconds(30));
        int blinkyServed = _lab.ServedFiles().Count(f => f == "Blinky.pe");

        var next = new RecordingPlatform(_lab, Settings);
        BootReport report = new BootSequence(next).Run();

        Assert.Equal((BootOutcome.Launched, "1.0", UpdateOutcome.Skipped), (report.Outcome, report.Version, report.Update!.Outcome));
        Assert.Equal("Release 2.0 could not be stored at an earlier boot; it is fetched again once the server offers another manifest.",
            report.Update.Message);
        Assert.Equal(blinkyServed, _lab.ServedFiles().Count(f => f == "Blinky.pe"));
        Assert.Equal(0, next.Restarts);
    }

    [Fact]
    public void TheWaitBetweenAttemptsGrowsToTenMinutes()
    {
        int[] delays = Enumerable.Range(0, 12).Select(BootSequence.RetryDelaySeconds).ToArray();
        Assert.Equal([5, 10, 20, 40, 80, 160, 320, 600, 600, 600, 600, 600], delays);
        Assert.Equal(600, BootSequence.RetryDelaySeconds(int.MaxValue));
    }

    public void Dispose() => _lab.Dispose();

    /// <summary>The hardware steps, done with host means and recorded.</summary>
    private sealed class RecordingPlatform(ReleaseLab lab, string? settings) : IBootPlatform
    {
        public bool NetworkUp { get; init; } = true;

        /// <summary>Whether every datagram the updater sends fails, as when Wi-Fi drops after it came up.</summary>
        public bool SendsFail { get; init; }

        public Exception? StorageFailure { get; init; }

        public Exception? LaunchFailure { get; init; }

        /// <summary>What was logged; read with <see cref="Snapshot"/> while another thread may log.</summary>
        public List<string> Lines { get; } = [];

        public string[] Snapshot()
        {
            lock (Lines)
            {
                return [.. Lines];
            }
        }

        public List<(string? Folder, string Version)> Launches { get; } = [];

        public bool NetworkAsked { get; private set; }

        public CountingTransportFactory Sockets { get; } = new();

        public IDatagramTransportFactory Transports => SendsFail ? new FailingSendFactory() : Sockets;

        public byte[]? HardwareAddress { get; set; } = [0x24, 0x0a, 0xc4, 0x12, 0x34, 0x56];

        public string? FirmwareVersion => null;

        public Stream? OpenSettings() => settings is null ? null : new MemoryStream(System.Text.Encoding.UTF8.GetBytes(settings));

        public bool ConnectNetwork(DeviceSettings deviceSettings, int timeoutMs)
        {
            NetworkAsked = true;
            Assert.Equal(deviceSettings.NetworkWaitSeconds * 1000, timeoutMs);
            return NetworkUp;
        }

        /// <summary>The storage to mount instead of the lab's device folder.</summary>
        public IUpdateStorage? Storage { get; init; }

        public IUpdateStorage MountStorage(DeviceSettings deviceSettings) =>
            StorageFailure is null ? Storage ?? new HostStorage(lab.DeviceRoot) : throw StorageFailure;

        /// <summary>The release's assemblies loaded beside the boot app's, as while a release runs.</summary>
        public string[] Loaded { get; init; } = [];

        // What a boot app built with the kit's release set carries, and whatever else is loaded.
        public Version? FindAssembly(string name) => name switch
        {
            "mscorlib" => new Version(1, 17, 11, 0),
            "TftpNano" => new Version(1, 0, 0, 0),
            _ => Launches.Count > 0 && Loaded.Contains(name) ? new Version(1, 0, 0, 0) : null,
        };

        public void Launch(DeviceSettings deviceSettings, string folder, ReleaseManifest manifest)
        {
            Launches.Add((folder, manifest.Version.ToString()));
            if (LaunchFailure is not null)
            {
                throw LaunchFailure;
            }
        }

        private int _restarts;

        public int Restarts => Volatile.Read(ref _restarts);

        public void Restart() => Interlocked.Increment(ref _restarts);

        public void Log(string message)
        {
            lock (Lines)
            {
                Lines.Add(message);
            }
        }
    }
}

/// <summary>Opens host sockets and counts how many were opened and closed.</summary>
internal sealed class CountingTransportFactory : IDatagramTransportFactory
{
    private int _opened;
    private int _closed;

    public int Opened => Volatile.Read(ref _opened);

    public int Closed => Volatile.Read(ref _closed);

    public IDatagramTransport Open(System.Net.Sockets.AddressFamily addressFamily)
    {
        Interlocked.Increment(ref _opened);
        return new Counted(this, HostUdpTransportFactory.Instance.Open(addressFamily));
    }

    private sealed class Counted(CountingTransportFactory owner, IDatagramTransport inner) : IDatagramTransport
    {
        public System.Net.EndPoint LastSender => inner.LastSender;

        public void Send(byte[] buffer, int count, System.Net.EndPoint remote) => inner.Send(buffer, count, remote);

        public int Receive(byte[] buffer, int timeoutMs) => inner.Receive(buffer, timeoutMs);

        public void Close()
        {
            inner.Close();
            Interlocked.Increment(ref owner._closed);
        }
    }
}

/// <summary>Sockets whose every send fails with ENETUNREACH, as a device's do when its network drops.</summary>
internal sealed class FailingSendFactory : IDatagramTransportFactory
{
    public IDatagramTransport Open(System.Net.Sockets.AddressFamily addressFamily) => new Failing(HostUdpTransportFactory.Instance.Open(addressFamily));

    private sealed class Failing(IDatagramTransport inner) : IDatagramTransport
    {
        public System.Net.EndPoint LastSender => inner.LastSender;

        public void Send(byte[] buffer, int count, System.Net.EndPoint remote) =>
            throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.NetworkUnreachable);

        public int Receive(byte[] buffer, int timeoutMs) => inner.Receive(buffer, timeoutMs);

        public void Close() => inner.Close();
    }
}

/// <summary>
/// A storage whose first write to one file never returns until the test releases it, as a card whose
/// driver never completes a write; released, that write fails.
/// </summary>
internal sealed class StallingStorage(IUpdateStorage inner, string stalledName) : IUpdateStorage, IDisposable
{
    private readonly ManualResetEventSlim _released = new();
    private int _stalls;

    public bool Stalled => Volatile.Read(ref _stalls) > 0;

    public void Release() => _released.Set();

    public void Dispose()
    {
        _released.Set();
        _released.Dispose();
    }

    public bool FileExists(string path) => inner.FileExists(path);

    public string[] GetFolders() => inner.GetFolders();

    public Stream OpenRead(string path) => inner.OpenRead(path);

    public Stream CreateFile(string path, long length)
    {
        Stream file = inner.CreateFile(path, length);
        return path.EndsWith("/" + stalledName, StringComparison.Ordinal) ? new Held(this, file) : file;
    }

    public void CreateFolder(string path) => inner.CreateFolder(path);

    public void DeleteFile(string path) => inner.DeleteFile(path);

    public void DeleteFolder(string path) => inner.DeleteFolder(path);

    public long GetFreeSpace() => inner.GetFreeSpace();

    private sealed class Held(StallingStorage owner, Stream file) : WriteOnlyStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Interlocked.Increment(ref owner._stalls) == 1)
            {
                owner._released.Wait(TimeSpan.FromMinutes(2));
                throw new IOException("The card stopped answering.");
            }

            file.Write(buffer, offset, count);
        }

        public override long Length => file.Length;

        public override void Flush() => file.Flush();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                file.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
