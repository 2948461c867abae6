using TftpNano.Cli.Update;
using TftpNano.Host.Update;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.DeviceProjects;

/// <summary>
/// What we pin, what the boards' guides flash and what the docs promise agree: the boot app's
/// deployment carries the System.Net checksum the README names, runs on the nanoCLR of that firmware
/// line, and fails on the other one with the message the README and every board guide quote.
/// </summary>
public sealed class FirmwareLineTests
{
    private const string JulyChecksum = "0x8EFB9944";
    private const string Mismatch = "Invalid native checksum: System.Net 0x8EFB9944!=0x6DFA71D6";
    private const string DetailsCommand = "nanoff --nanodevice --devicedetails";

    private static string Readme => File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));

    [NanoKitFact]
    public void TheBootAppCarriesTheSystemNetChecksumTheReadmeNames()
    {
        PeAssembly systemNet = PeAssembly.Read(Path.Combine(VirtualDevice.BootAppFolder, "System.Net.pe"));

        Assert.Equal(JulyChecksum, $"0x{systemNet.NativeChecksum:X8}");
        Assert.Contains($"| after 2026-07-10 (July 2026 line) | `{JulyChecksum}` | {DeviceProjectTests.PinnedPackages()["nanoFramework.System.Net"].Version}, what TftpNano is built against |", Readme);
        ProcessResult line = ProcessRunner.Run(NanoKit.Tool("nf-line"), [VirtualDevice.BootAppFolder], TimeSpan.FromSeconds(30));
        Assert.EndsWith("lib-2026-07", line.StandardOutput.Trim(), StringComparison.Ordinal);
    }

    [NanoKitFact]
    public void OnFirmwareOfTheJuneLineTheBootAppFailsWithTheQuotedMessage()
    {
        // nf-run keeps only what follows the interpreter's "Ready.", and the check fails before it: the
        // exit code comes from nf-run, the message from the interpreter run as nf-run runs it.
        var june = new Dictionary<string, string> { ["NANOCLR_LINE"] = "2026-06" };
        string bootApp = Path.Combine(VirtualDevice.BootAppFolder, "TftpNano.Device.pe");
        using var workspace = new Workspace();
        ProcessResult run = ProcessRunner.Run(NanoKit.Tool("nf-run"), ["--timeout", "30", "--heap", VirtualDevice.Heap, bootApp],
            TimeSpan.FromMinutes(1), workspace.Root, june);
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.StandardError}");

        string library = ProcessRunner.Run(NanoKit.Tool("nf-line"), [VirtualDevice.BootAppFolder], TimeSpan.FromSeconds(30), null, june).StandardOutput.Trim();
        string[] deployment = Directory.GetFiles(VirtualDevice.BootAppFolder, "*.pe")
            .OrderBy(f => Path.GetFileName(f) switch { "mscorlib.pe" => 0, "TftpNano.Device.pe" => 2, _ => 1 })
            .ThenBy(f => f, StringComparer.Ordinal)
            .ToArray();
        var interpreter = new Dictionary<string, string>
        {
            ["LD_LIBRARY_PATH"] = library,
            ["NANOCLR_FLASH_FILE"] = Path.Combine(workspace.Root, "flash.bin"),
            ["NANOCLR_HEAP_BYTES"] = VirtualDevice.Heap,
        };
        ProcessResult raw = ProcessRunner.Run(Path.Combine(NanoKit.Require(), "nanoclr", "bin", "nanoFramework.nanoCLR.test"), deployment,
            TimeSpan.FromMinutes(1), workspace.Root, interpreter);

        Assert.Contains(Mismatch, raw.StandardOutput);
        Assert.Contains("Firmware version does not match managed code version", raw.StandardOutput);
        Assert.Contains("* " + Mismatch + " *", Readme);
    }

    [Theory]
    [MemberData(nameof(Boards))]
    public void EveryBoardGuideNamesTheLineTheMismatchAndTheCommandThatShowsIt(string board)
    {
        string guide = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "boards", board, "README.md"));

        Assert.Contains("| firmware line | July 2026 or later (System.Net native checksum `" + JulyChecksum + "`) |", guide);
        Assert.Contains(DetailsCommand, guide);
        Assert.Contains(Mismatch, guide);
        Assert.Contains("System.Net v100.2.0.14, checksum " + JulyChecksum, guide);
        Assert.Contains("(../../README.md#the-firmware-line)", guide);
    }

    [Fact]
    public void TheReadmeNamesTheLineTheMismatchAndTheCommandThatShowsIt()
    {
        Assert.Contains("### The firmware line", Readme);
        Assert.Contains(DetailsCommand, Readme);
        Assert.Contains("System.Net v100.2.0.14, checksum " + JulyChecksum, Readme);
        Assert.Contains("| before 2026-07-10 (June 2026 line) | `0x6DFA71D6` | 1.11.54 |", Readme);
    }

    public static TheoryData<string> Boards() =>
        new(Directory.GetDirectories(Path.Combine(RepositoryPaths.Root, "boards")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!);
}
