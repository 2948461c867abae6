using System.Security.Cryptography;
using TftpNano.Cli.Update;
using TftpNano.Host.Server;
using TftpNano.Host.Update;
using TftpNano.Security;
using TftpNano.Update;
using TftpNano.Update.Manifest;
using TftpNano.Update.Storage;

namespace TftpNano.Tests.Support;

/// <summary>
/// An owner, a server and a device: a signing key, the embedded TFTP server with a release channel, and a
/// folder standing in for the device's SD card, with helpers to publish releases and boot the device.
/// </summary>
internal sealed class ReleaseLab : IDisposable
{
    public const string ChannelName = "fw/stable";
    public const string EntryPoint = "Blinky.Program.Main";

    private readonly Workspace _workspace = new();

    public ReleaseLab(FaultScript? faults = null)
    {
        // The server takes devices' reports, as a fleet's would: a host device that reports is answered.
        Server = new EmbeddedServer(faults, reports: TftpNano.Update.DeviceReport.Folder);
        Channel = Directory.CreateDirectory(Path.Combine(Server.Folder, "fw", "stable")).FullName;
        DeviceRoot = Path.Combine(_workspace.Root, "device");
        (PrivateKeyPath, PublicKeyPath) = SigningKey.Generate(Path.Combine(_workspace.Root, "owner"), 2048);
        PublicKey = SigningKey.ReadPublic(PublicKeyPath);
    }

    public EmbeddedServer Server { get; }

    public string Channel { get; }

    public string DeviceRoot { get; }

    public string PrivateKeyPath { get; }

    public string PublicKeyPath { get; }

    public RsaPublicKey PublicKey { get; }

    public string WorkspaceRoot => _workspace.Root;

    public static byte[] Content(int seed, int size)
    {
        byte[] bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Replaces the channel's files with these and publishes them as a signed release.</summary>
    public ReleaseManifest Publish(string version, params (string Name, byte[] Content)[] files)
    {
        foreach (string old in Directory.GetFiles(Channel))
        {
            File.Delete(old);
        }

        foreach ((string name, byte[] content) in files)
        {
            File.WriteAllBytes(Path.Combine(Channel, name), content);
        }

        return ReleasePublisher.Publish(Channel, ChannelName, version, EntryPoint, files.Select(f => f.Name).ToArray(), PrivateKeyPath);
    }

    /// <summary>Signs whatever the channel's manifest holds now, as a careless or compromised owner would.</summary>
    public void SignManifestAsIs()
    {
        byte[] manifest = File.ReadAllBytes(Path.Combine(Channel, ReleaseManifest.FileName));
        File.WriteAllBytes(Path.Combine(Channel, ReleaseManifest.SignatureFileName), SigningKey.Sign(manifest, PrivateKeyPath));
    }

    public UpdateSettings Settings(bool signed = true) => new()
    {
        Server = Server.EndPoint,
        Channel = ChannelName,
        PublicKey = signed ? PublicKey : null,
        Download = EmbeddedServer.Settings(windowSize: 4),
    };

    /// <summary>One boot of the device: the updater, then optionally the application's confirmation.</summary>
    public UpdateResult Boot(bool confirm = false, UpdateSettings? settings = null, IUpdateStorage? storage = null) =>
        UpdateRunner.Run(settings ?? Settings(), storage ?? new HostStorage(DeviceRoot), confirm, log: null).Result;

    /// <summary>Installs and confirms a release, asserting that it worked.</summary>
    public void Install(string version, params (string Name, byte[] Content)[] files)
    {
        Publish(version, files);
        UpdateResult result = Boot(confirm: true);
        Assert.True(result.Outcome == UpdateOutcome.Installed, result.Message);
    }

    /// <summary>What the next boot finds: the store after recovery.</summary>
    public ReleaseStore Inspect(string? root = null)
    {
        var store = new ReleaseStore(new HostStorage(root ?? DeviceRoot));
        store.Recover();
        return store;
    }

    /// <summary>Asserts that the given release is active, complete and intact, and nothing else is lying around.</summary>
    public void AssertActive(string version, string? root = null)
    {
        ReleaseStore store = Inspect(root);
        Assert.NotNull(store.ActiveManifest);
        Assert.Equal(version, store.ActiveManifest!.Version.ToString());
        Assert.Null(store.VerifyActive());
        AssertTidy(store, root ?? DeviceRoot);
    }

    /// <summary>Only the active and previous release folders and the record's slots exist.</summary>
    public static void AssertTidy(ReleaseStore store, string root)
    {
        string[] expected = new[] { store.State.Active, store.State.Previous }.Where(f => f is not null).Select(f => f!).Order().ToArray();
        Assert.Equal(expected, Directory.GetDirectories(root).Select(f => Path.GetFileName(f)).Order().ToArray());
        Assert.Subset(new HashSet<string> { "state.a", "state.b" }, Directory.GetFiles(root).Select(f => Path.GetFileName(f)).ToHashSet());
    }

    /// <summary>The names of the files the server finished sending so far, in order.</summary>
    /// <summary>The files read from the server, in order: the devices' reports it took are not among them.</summary>
    public string[] ServedFiles() => Server.Server.FinishedTransfers
        .Where(t => t.Completed && !t.FileName.StartsWith(TftpNano.Update.DeviceReport.Folder + "/", StringComparison.Ordinal))
        .Select(t => Path.GetFileName(t.FileName)).ToArray();

    public void Dispose()
    {
        Server.Dispose();
        _workspace.Dispose();
    }
}
