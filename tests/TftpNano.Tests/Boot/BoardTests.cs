using System.Text.Json;
using TftpNano.Boot;
using TftpNano.Boot.Board;
using TftpNano.Security;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.Boot;

/// <summary>
/// Every board folder is complete: its README names the firmware and the commands, its deployment file
/// works as nanoff reads it on any host, and the device's own parser reads its settings as described,
/// refusing them until a key is set.
/// </summary>
public class BoardTests
{
    private static readonly (string Board, string[] Targets, StorageKind Storage, NetworkKind Network, CardPower Power)[] All =
    [
        ("esp32-wrover-kit", ["ESP_WROVER_KIT"], StorageKind.SdMmc, NetworkKind.Wifi, CardPower.Always),
        ("olimex-esp32-poe", ["ESP32_OLIMEX"], StorageKind.SdMmc, NetworkKind.Ethernet, CardPower.Always),
        ("m5stack-core2", ["M5Core2"], StorageKind.SdSpi, NetworkKind.Wifi, CardPower.Axp192),
        ("esp32-s3-devkitc", ["ESP32_S3_OCTAL", "ESP32_S3_QUAD"], StorageKind.SdMmc, NetworkKind.Wifi, CardPower.Always),
        ("esp32-devkitc", ["ESP32_REV0", "ESP32_PSRAM_REV3"], StorageKind.InternalFlash, NetworkKind.Wifi, CardPower.Always),
    ];

    public static TheoryData<string> BoardNames => new(All.Select(b => b.Board));

    [Fact]
    public void EveryBoardFolderIsListed()
    {
        string[] folders = Directory.GetDirectories(Path.Combine(RepositoryPaths.Root, "boards")).Select(f => Path.GetFileName(f)!).Order().ToArray();
        Assert.Equal(All.Select(b => b.Board).Order(), folders);
    }

    [Theory]
    [MemberData(nameof(BoardNames))]
    public void TheShippedSettingsAreRefusedUntilAKeyIsSet(string board)
    {
        string shipped = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "boards", board, "tftpnano.conf"));

        DeviceSettings asShipped = DeviceSettings.Parse(shipped);
        Assert.False(asShipped.IsValid);
        Assert.Contains("publickey is empty", Assert.Single(asShipped.Problems), StringComparison.Ordinal);

        (_, _, StorageKind storage, NetworkKind network, CardPower power) = All.Single(b => b.Board == board);
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        string key = new RsaPublicKey(rsa.ExportParameters(false).Modulus!).ToString();
        DeviceSettings settings = DeviceSettings.Parse(shipped.Replace("publickey=\n", "publickey=" + key + "\n", StringComparison.Ordinal));
        Assert.True(settings.IsValid, string.Join(Environment.NewLine, settings.Problems));
        Assert.Equal(storage, settings.Storage);
        Assert.Equal(network, settings.Network);
        Assert.Equal(power, settings.CardPower);
        Assert.InRange(settings.BlockSize, 512, DeviceSettings.MaxBlockSize);
        Assert.InRange(settings.WindowSize, 1, DeviceSettings.MaxWindowSize);
        Assert.Equal(storage == StorageKind.InternalFlash ? "I:\\tftpnano" : "D:\\tftpnano", settings.Root);
        if (storage == StorageKind.SdSpi)
        {
            Assert.True(settings.SpiChipSelect >= 0);
        }
    }

    [Theory]
    [MemberData(nameof(BoardNames))]
    public void TheReadmeNamesTheFirmwareTheCommandsAndTheConsoleRate(string board)
    {
        string[] targets = All.Single(b => b.Board == board).Targets;
        string readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "boards", board, "README.md"));
        foreach (string target in targets)
        {
            Assert.Contains($"`{target}`", readme, StringComparison.Ordinal);
            Assert.Contains($"nanoff --target {target} --serialport COM3 --update --masserase", readme, StringComparison.Ordinal);
        }

        Assert.Contains("nanoff --nanodevice --serialport COM3 --deploy --image", readme, StringComparison.Ordinal);
        Assert.Contains($"nanoff --filedeployment boards/{board}/deploy.json --serialport COM3", readme, StringComparison.Ordinal);
        Assert.Contains("921600 baud", readme, StringComparison.Ordinal);
        Assert.DoesNotContain("115200", readme, StringComparison.Ordinal);
        Assert.DoesNotContain("nanoff --target ESP32_S3_ALL", readme, StringComparison.Ordinal);
    }

    // nanoff reads SourceFilePath with File.ReadAllBytes, relative to where it runs (the repository root):
    // a '\' is part of a file name on Linux and macOS, and a failed file still exits 0. A serialport in
    // the file would override --serialport (nanoFirmwareFlasher, FileDeploymentManager.cs).
    [Theory]
    [MemberData(nameof(BoardNames))]
    public void TheDeploymentFileCopiesTheSettingsOnAnyHost(string board)
    {
        using JsonDocument deploy = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "boards", board, "deploy.json")));
        Assert.DoesNotContain(deploy.RootElement.EnumerateObject(), p => p.Name.Equals("serialport", StringComparison.OrdinalIgnoreCase));
        JsonElement file = Assert.Single(deploy.RootElement.GetProperty("files").EnumerateArray());
        Assert.Equal(DeviceSettings.DefaultPath, file.GetProperty("DestinationFilePath").GetString());
        string source = file.GetProperty("SourceFilePath").GetString()!;
        Assert.DoesNotContain('\\', source);
        Assert.Equal($"boards/{board}/tftpnano.conf", source);
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, source)), source);
    }
}
