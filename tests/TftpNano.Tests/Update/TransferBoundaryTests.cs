using TftpNano.Host.Relay;
using TftpNano.Protocol;
using TftpNano.Tests.Support;
using TftpNano.Update;

namespace TftpNano.Tests.Update;

/// <summary>
/// An update is several transfers in a row (manifest, signature, files): what one transfer leaves
/// behind on the link must never be taken for the next one's data.
/// </summary>
public sealed class TransferBoundaryTests : IDisposable
{
    private readonly ReleaseLab _lab = new();

    [Fact]
    public void ALostFinalAckOfTheManifestDoesNotFeedItToTheNextRequest()
    {
        // The manifest is one block, so the first ACK 1 the server would hear is its final ACK. The
        // server then resends DATA 1 of the manifest on its own timer, after the device has moved on.
        _lab.Publish("1.0", ("Blinky.pe", ReleaseLab.Content(2, 9_000)));
        int dropped = 0;
        using var relay = new LinkEmulator(_lab.Server.EndPoint, LinkProfile.Perfect, LinkProfile.Perfect, seed: 1)
        {
            Drop = (datagram, toServer) => toServer && IsAcknowledgement(datagram.Span, 1) && Interlocked.CompareExchange(ref dropped, 1, 0) == 0,
        };
        relay.Start();
        UpdateSettings settings = _lab.Settings();
        settings.Server = relay.LocalEndPoint;

        UpdateResult result = _lab.Boot(settings: settings);

        Assert.Equal(1, dropped);
        Assert.True(result.Outcome == UpdateOutcome.Installed, $"{result.Outcome} {result.Failure}: {result.Message}");
        _lab.AssertActive("1.0");
    }

    private static bool IsAcknowledgement(ReadOnlySpan<byte> datagram, int block) =>
        datagram.Length == TftpPacket.AcknowledgementLength && datagram[1] == (byte)TftpOpcode.Acknowledgement
        && ((datagram[2] << 8) | datagram[3]) == block;

    public void Dispose() => _lab.Dispose();
}
