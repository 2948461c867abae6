using System.Net;
using TftpNano.Cli.Update;
using TftpNano.Host.Server;
using TftpNano.Host.Update;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.DeviceInTheLoop;

/// <summary>
/// A fleet owner's side for the virtual device: a signing key, a release channel published with the
/// host tool's publisher (what <c>tftpnano manifest</c> runs) and a real server on loopback:
/// tftpd-hpa, or the embedded server that <c>tftpnano serve</c> runs.
/// </summary>
internal sealed class ServedChannel : IDisposable
{
    public const string Serve = "tftpnano serve";
    public const string Name = "fw/stable";

    private readonly Workspace _workspace = new();
    private readonly PeerServer? _peer;
    private readonly TftpServer? _embedded;

    public ServedChannel(string server)
    {
        string root = _workspace.Folder("served");
        Folder = Directory.CreateDirectory(Path.Combine(root, "fw", "stable")).FullName;
        (PrivateKeyPath, string publicKeyPath) = SigningKey.Generate(Path.Combine(_workspace.Root, "fleet"), 2048);
        PublicKeyLine = File.ReadAllText(publicKeyPath).Trim();
        if (server == Serve)
        {
            // Every virtual device is 127.0.0.1, and each one cut off mid-transfer leaves a transfer
            // open until the server gives up on it: the per-client cap is for a fleet's addresses.
            // It takes the devices' reports, as tftpnano serve --reports reports does; tftpd-hpa, run
            // without -c, refuses them.
            _embedded = new TftpServer(root, new IPEndPoint(IPAddress.Loopback, 0),
                new TftpServerSettings { MaxTransfersPerClient = 64, ReportsFolder = TftpNano.Update.DeviceReport.Folder });
            _embedded.Start();
            EndPoint = _embedded.LocalEndPoint;
        }
        else
        {
            _peer = PeerServer.Start(server, root, _workspace.Root);
            EndPoint = _peer.EndPoint;
        }
    }

    public string Folder { get; }

    /// <summary>The folder the embedded server writes the devices' reports to.</summary>
    public string ReportsFolder => Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Folder))!, TftpNano.Update.DeviceReport.Folder);

    /// <summary>The device id the settings give the virtual device.</summary>
    public const string DeviceId = "vesp32-1";

    public string PrivateKeyPath { get; }

    public string PublicKeyLine { get; }

    public IPEndPoint EndPoint { get; }

    /// <summary>How many times the embedded server has sent the whole of a file of the channel.</summary>
    public int TimesServed(string name) =>
        (_embedded ?? throw new InvalidOperationException("Only the embedded server counts its transfers."))
            .FinishedTransfers.Count(t => t.Completed && t.FileName == Name + "/" + name);

    /// <summary>How many transfers of a file of the channel the embedded server has ended, whole or not.</summary>
    public int TimesRequested(string name) =>
        (_embedded ?? throw new InvalidOperationException("Only the embedded server counts its transfers."))
            .FinishedTransfers.Count(t => t.FileName == Name + "/" + name);

    /// <summary>A folder for the devices' images, removed with the channel.</summary>
    public string DeviceFolder(string name) => _workspace.Folder(name);

    /// <summary>The device's settings file for this channel, storing releases where <paramref name="storage"/> says.</summary>
    public string Settings(string storage, int trialBoots = 3) =>
        $"""
        # provisioned by the device-in-the-loop tests
        server={EndPoint.Address}
        port={EndPoint.Port}
        channel={Name}
        publickey={PublicKeyLine}
        storage={storage}
        network=ethernet
        network.wait=5
        trial.boots={trialBoots}
        device.id={DeviceId}
        """.Replace("\r", string.Empty);

    /// <summary>
    /// Publishes a signed release of the test application (Blinky.pe, built by the kit) and the given
    /// extra files, replacing what the channel held.
    /// </summary>
    public void Publish(string version, string entry, params (string Name, byte[] Content)[] extra)
    {
        foreach (string old in Directory.GetFiles(Folder))
        {
            File.Delete(old);
        }

        File.Copy(Path.Combine(VirtualDevice.AppFolder, "Blinky.pe"), Path.Combine(Folder, "Blinky.pe"));
        foreach ((string name, byte[] content) in extra)
        {
            File.WriteAllBytes(Path.Combine(Folder, name), content);
        }

        ReleasePublisher.Publish(Folder, Name, version, entry, [], PrivateKeyPath, bootApp: ReleaseAssemblies.Read(VirtualDevice.BootAppFolder));
    }

    public void Dispose()
    {
        _peer?.Dispose();
        _embedded?.Dispose();
        _workspace.Dispose();
    }
}
