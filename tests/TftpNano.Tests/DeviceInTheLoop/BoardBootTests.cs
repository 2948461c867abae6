using System.Text.RegularExpressions;
using TftpNano.Boot;
using TftpNano.Boot.Board;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.DeviceInTheLoop;

/// <summary>
/// Each board's shipped settings, with only the server, channel and key filled in, boot the real boot
/// app in the virtual device: the pins it routes, the card's power-up and the storage it mounts are
/// exactly the board's (the virtual ESP32 prints each as a <c>[vesp32]</c> line), in that order, and
/// the release installs and starts.
/// </summary>
public sealed class BoardBootTests
{
    // What each board's boot does to the hardware before the network comes up.
    private static readonly Dictionary<string, string[]> Hardware = new()
    {
        ["esp32-devkitc"] = [],
        ["esp32-s3-devkitc"] =
        [
            Pin(14, "SDMMC1_CLOCK"), Pin(15, "SDMMC1_COMMAND"), Pin(16, "SDMMC1_D0"), Pin(17, "SDMMC1_D1"), Pin(18, "SDMMC1_D2"), Pin(13, "SDMMC1_D3"),
            "SDCard slot 0: SDMMC 4-bit", "SDCard slot 0 mounted as D: (FAT)",
        ],
        ["esp32-wrover-kit"] = ["SDCard slot 0: SDMMC 4-bit", "SDCard slot 0 mounted as D: (FAT)"],
        ["m5stack-core2"] =
        [
            Pin(18, "SPI1_CLOCK"), Pin(23, "SPI1_MOSI"), Pin(38, "SPI1_MISO"), Pin(22, "I2C1_CLOCK"), Pin(21, "I2C1_DATA"),

            // The AXP192 (0x34): LDO2 to 3.3 V in the high nibble of 0x28, then its enable bit in 0x12,
            // each read first so the other outputs keep their settings (the virtual chip reads zeros).
            "i2c1: device 0x34 opened",
            "i2c1 0x34: write 1 [28], read 1 (zeros)", "i2c1 0x34: write 2 [28 F0], read 0 (zeros)",
            "i2c1 0x34: write 1 [12], read 1 (zeros)", "i2c1 0x34: write 2 [12 04], read 0 (zeros)",
            "SDCard slot 0: SPI", "SDCard slot 0 mounted as D: (FAT)",
        ],
        ["olimex-esp32-poe"] = ["SDCard slot 0: SDMMC 1-bit", "SDCard slot 0 mounted as D: (FAT)"],
    };

    public static TheoryData<string> Boards => new(Hardware.Keys.Order());

    [Fact]
    public void EveryBoardIsBooted() =>
        Assert.Equal(Directory.GetDirectories(Path.Combine(RepositoryPaths.Root, "boards")).Select(f => Path.GetFileName(f)!).Order(), Hardware.Keys.Order());

    [NanoKitTheory]
    [MemberData(nameof(Boards))]
    public void TheShippedSettingsBootTheBoard(string board)
    {
        using var channel = new ServedChannel(ServedChannel.Serve);
        var device = new VirtualDevice(channel.DeviceFolder(board));
        device.Provision((@"I:\tftpnano.conf", Filled(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "boards", board, "tftpnano.conf")), channel)));
        channel.Publish("1.0.0", "Blinky.Program.Main");

        DeviceRun boot = device.Boot();
        BootAppTests.AssertStarted(boot, "1.0.0", "update: Installed release 1.0.0 (1 fetched, 0 unchanged).");
        string[] hardware = boot.Console.Split('\n')
            .TakeWhile(line => !line.StartsWith("[vesp32] network:", StringComparison.Ordinal))
            .Where(line => line.StartsWith("[vesp32] ", StringComparison.Ordinal))
            .Select(line => line["[vesp32] ".Length..].TrimEnd('\r'))
            .ToArray();
        Assert.Equal(Hardware[board], hardware);
    }

    private static string Pin(int gpio, string function) => $"SetPinFunction: GPIO {gpio} -> function 0x{Esp32DeviceFunctions.ValueOf(function):X}";

    // The server, channel and key of the test's channel in place of the shipped ones; everything else as shipped.
    private static string Filled(string shipped, ServedChannel channel)
    {
        string filled = shipped;
        foreach ((string key, string value) in new[]
        {
            ("server", channel.EndPoint.Address.ToString()), ("port", channel.EndPoint.Port.ToString()),
            ("channel", ServedChannel.Name), ("publickey", channel.PublicKeyLine),
        })
        {
            filled = Regex.Replace(filled, $"^{Regex.Escape(key)}=.*$", key + "=" + value, RegexOptions.Multiline);
        }

        return filled;
    }
}
