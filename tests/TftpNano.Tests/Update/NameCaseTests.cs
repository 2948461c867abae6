using System.Globalization;
using TftpNano.Protocol;
using TftpNano.Update;
using TftpNano.Update.Manifest;

namespace TftpNano.Tests.Update;

/// <summary>
/// Names match by ASCII case only, whatever the workstation's culture: the device knows no culture.
/// </summary>
public sealed class NameCaseTests : IDisposable
{
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;

    public NameCaseTests()
    {
        // Under tr-TR, "I".ToLower() is the dotless "ı".
        CultureInfo.CurrentCulture = new CultureInfo("tr-TR");
    }

    [Fact]
    public void ManifestNamesMatchUnderATurkishCulture()
    {
        var manifest = ReleaseManifest.Create("1.0", "A.B.C", [new ReleaseFile("IMAGE.PE", 1, new byte[32])]);
        Assert.NotNull(manifest.Find("image.pe"));
        Assert.True(ReleaseFile.SameName("INIT.PE", "init.pe"));
    }

    [Fact]
    public void TheTransferModeIsFoldedUnderATurkishCulture()
    {
        byte[] packet = [0, 1, (byte)'f', 0, .. "OCTET"u8, 0];
        Assert.Equal("octet", TftpPacket.ReadRequest(packet, packet.Length).Mode);
        byte[] netascii = [0, 1, (byte)'f', 0, .. "NETASCII"u8, 0];
        Assert.Equal("netascii", TftpPacket.ReadRequest(netascii, netascii.Length).Mode);
    }

    public void Dispose() => CultureInfo.CurrentCulture = _culture;
}
