using TftpNano.Tests.Support;
using TftpNano.Update;

namespace TftpNano.Tests.Interop;

/// <summary>
/// A device's whole update cycle served by each real server a fleet might run: a first install, a
/// delta update, and a tampered release refused.
/// </summary>
public sealed class UpdateInteropTests : IDisposable
{
    private readonly ReleaseLab _lab = new();

    [PeerFact(Peers.TftpdHpa)]
    public void TftpdHpa() => UpdateCycle(Peers.TftpdHpa);

    [PeerFact(Peers.Atftpd)]
    public void Atftpd() => UpdateCycle(Peers.Atftpd);

    [PeerFact(Peers.Dnsmasq)]
    public void Dnsmasq() => UpdateCycle(Peers.Dnsmasq);

    private void UpdateCycle(string kind)
    {
        using PeerServer server = PeerServer.Start(kind, _lab.Server.Folder, _lab.WorkspaceRoot);
        UpdateSettings settings = _lab.Settings();
        settings.Server = server.EndPoint;
        byte[] drivers = ReleaseLab.Content(81, 70_000);

        _lab.Publish("1.0", ("Drivers.pe", drivers), ("Blinky.pe", ReleaseLab.Content(82, 5_000)));
        UpdateResult first = _lab.Boot(confirm: true, settings: settings);
        Assert.True(first.Outcome == UpdateOutcome.Installed, first.Message);
        Assert.Equal(2, first.FilesDownloaded);

        _lab.Publish("1.1", ("Drivers.pe", drivers), ("Blinky.pe", ReleaseLab.Content(83, 5_500)));
        UpdateResult delta = _lab.Boot(confirm: true, settings: settings);
        Assert.True(delta.Outcome == UpdateOutcome.Installed, delta.Message);
        Assert.Equal((1, 1), (delta.FilesDownloaded, delta.FilesCopied));
        Assert.Equal(UpdateOutcome.UpToDate, _lab.Boot(settings: settings).Outcome);

        _lab.Publish("1.2", ("Drivers.pe", drivers), ("Blinky.pe", ReleaseLab.Content(84, 6_000)));
        File.WriteAllBytes(Path.Combine(_lab.Channel, "Blinky.pe"), ReleaseLab.Content(85, 6_000));
        UpdateResult tampered = _lab.Boot(settings: settings);
        Assert.Equal((UpdateOutcome.Refused, UpdateFailure.HashMismatch), (tampered.Outcome, tampered.Failure));
        _lab.AssertActive("1.1");
    }


    public void Dispose() => _lab.Dispose();
}
