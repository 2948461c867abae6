using System.Text.Json;
using TftpNano.Boot;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.Boot;

/// <summary>
/// Every board folder is complete, and the device's own parser accepts its settings as described.
/// </summary>
public class BoardTests
{
    private static readonly (string Board, string Target, StorageKind Storage, NetworkKind Network)[] All =
    [
        ("esp32-wrover-kit", "ESP_WROVER_KIT", StorageKind.SdMmc, NetworkKind.Wifi),
        ("olimex-esp32-poe", "ESP32_OLIMEX", StorageKind.SdMmc, NetworkKind.Ethernet),
        ("m5stack-core2", "M5Core2", StorageKind.SdSpi, NetworkKind.Wifi),
        ("esp32-s3-devkitc", "ESP32_S3_ALL", StorageKind.SdMmc, NetworkKind.Wifi),
        ("esp32-devkitc", "ESP32_REV0", StorageKind.InternalFlash, NetworkKind.Wifi),
    ];

    public static TheoryData<string, string, StorageKind, NetworkKind> Boards
    {
        get
        {
            var data = new TheoryData<string, string, StorageKind, NetworkKind>();
            foreach ((string board, string target, StorageKind storage, NetworkKind network) in All)
            {
                data.Add(board, target, storage, network);
            }

            return data;
        }
    }

    public static TheoryData<string> BoardNames => new(All.Select(b => b.Board));

    [Fact]
    public void EveryBoardFolderIsListed()
    {
        string[] folders = Directory.GetDirectories(Path.Combine(RepositoryPaths.Root, "boards")).Select(f => Path.GetFileName(f)!).Order().ToArray();
        Assert.Equal(All.Select(b => b.Board).Order(), folders);
    }

    [Theory]
    [MemberData(nameof(Boards))]
    public void TheDeviceParserAcceptsTheBoardsSettings(string board, string target, StorageKind storage, NetworkKind network)
    {
        string folder = Path.Combine(RepositoryPaths.Root, "boards", board);
        DeviceSettings settings = DeviceSettings.Parse(File.ReadAllText(Path.Combine(folder, "tftpnano.conf")));

        Assert.True(settings.IsValid, string.Join(Environment.NewLine, settings.Problems));
        Assert.Equal(storage, settings.Storage);
        Assert.Equal(network, settings.Network);
        Assert.InRange(settings.BlockSize, 512, DeviceSettings.MaxBlockSize);
        Assert.InRange(settings.WindowSize, 1, DeviceSettings.MaxWindowSize);
        Assert.Equal(storage == StorageKind.InternalFlash ? "I:\\tftpnano" : "D:\\tftpnano", settings.Root);
        if (storage == StorageKind.SdSpi)
        {
            Assert.True(settings.SpiChipSelect >= 0);
        }

        string readme = File.ReadAllText(Path.Combine(folder, "README.md"));
        Assert.Contains($"`{target}`", readme, StringComparison.Ordinal);
        Assert.Contains($"nanoff --target {target} --serialport COM3 --update --masserase", readme, StringComparison.Ordinal);
        Assert.Contains("nanoff --nanodevice --serialport COM3 --deploy --image", readme, StringComparison.Ordinal);
        Assert.Contains($"nanoff --filedeployment boards/{board}/deploy.json", readme, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BoardNames))]
    public void TheDeploymentFileCopiesTheSettingsToInternalFlash(string board)
    {
        using JsonDocument deploy = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "boards", board, "deploy.json")));
        Assert.False(string.IsNullOrEmpty(deploy.RootElement.GetProperty("serialport").GetString()));
        JsonElement file = Assert.Single(deploy.RootElement.GetProperty("files").EnumerateArray());
        Assert.Equal(DeviceSettings.DefaultPath, file.GetProperty("DestinationFilePath").GetString());
        string source = file.GetProperty("SourceFilePath").GetString()!.Replace('\\', '/');
        Assert.Equal($"boards/{board}/tftpnano.conf", source);
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, source)));
    }
}
