using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace TftpNano.Tests.Support;

/// <summary>What one run of the virtual device printed and how it ended.</summary>
internal sealed record DeviceRun(int ExitCode, string Console, string Interpreter)
{
    /// <summary>nf-run's status when <c>--kill-at-il</c> cut the power.</summary>
    public const int PowerCut = 137;

    /// <summary>nf-run's status when its time ran out.</summary>
    public const int TimedOut = 124;

    /// <summary>nf-run's status when the application asked for a restart.</summary>
    public const int Restarted = 3;

    /// <summary>The IL instructions the interpreter executed, from its closing line.</summary>
    public long IlExecuted
    {
        get
        {
            Match match = Regex.Match(Interpreter, @"IL opcodes executed: (\d+)");
            return match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
        }
    }

    /// <summary>The console and the interpreter's lines, for a failure message.</summary>
    public override string ToString() => $"exit {ExitCode}\n--- console ---\n{Console}\n--- interpreter ---\n{Interpreter}";
}

/// <summary>
/// A virtual ESP32 of the kit's nanoCLR: its internal flash (<c>I:\</c>, littlefs) and SD card
/// (<c>D:\</c>, FAT) are image files that persist across runs, as a board's do across reboots. It is
/// provisioned with a settings file the way <c>nanoff --filedeployment</c> provisions a board, and
/// booted with the real boot app built by the kit.
/// </summary>
internal sealed class VirtualDevice
{
    private const string BootApp = "src/TftpNano.Device/TftpNano.Device.nfproj";
    private const string Provisioner = "tests/DeviceApps/Provisioner";
    private const string Inspector = "tests/DeviceApps/Inspector/Inspector.nfproj";
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(2);
    private static int _provisionings;

    private readonly string _folder;

    /// <param name="folder">Where the device's images live.</param>
    /// <param name="flashSize">The internal flash's size, as nf-run takes it (<c>256K</c>); null for the kit's 1 MiB.</param>
    /// <param name="sdSize">The SD card's size, as nf-run takes it (<c>2M</c>); null for the kit's default.</param>
    public VirtualDevice(string folder, string? flashSize = null, string? sdSize = null)
    {
        _folder = folder;
        FlashSize = flashSize;
        SdSize = sdSize;
        Directory.CreateDirectory(folder);
    }

    /// <summary>The managed heap every run gets: what an ESP32 without PSRAM leaves to an app.</summary>
    public const string Heap = "96K";

    public string? FlashSize { get; }

    public string? SdSize { get; }

    public string Flash => Path.Combine(_folder, "flash.bin");

    public string SdCard => Path.Combine(_folder, "sd.bin");

    /// <summary>The kit's build of the repository's device projects.</summary>
    public static DeviceBuild Build => DeviceBuild.Of("Release");

    /// <summary>The folder holding the built test application's <c>.pe</c>.</summary>
    public static string AppFolder => Build.OutputFolder("tests/DeviceApps/Blinky/Blinky.nfproj");

    /// <summary>The boot app's build output: its <c>.pe</c> and every assembly it carries.</summary>
    public static string BootAppFolder => Build.OutputFolder(BootApp);

    /// <summary>A copy of this device's images, to replay a boot from the same state.</summary>
    public VirtualDevice Clone(string folder)
    {
        var copy = new VirtualDevice(folder, FlashSize, SdSize);
        foreach (string image in new[] { "flash.bin", "sd.bin" })
        {
            string from = Path.Combine(_folder, image);
            if (File.Exists(from))
            {
                File.Copy(from, Path.Combine(folder, image), overwrite: true);
            }
        }

        return copy;
    }

    /// <summary>
    /// Writes files to the device's drives, as a deployment does: the kit builds the provisioning app
    /// with these files in it, then runs it on this device.
    /// </summary>
    /// <param name="files">Full device paths, such as <c>I:\tftpnano.conf</c>, and their text.</param>
    public void Provision(params (string Path, string Text)[] files) => Provision(files.Select(f => (f.Path, f.Text, 0)).ToArray());

    /// <summary>
    /// Writes files to the device's drives, each padded with comment lines to a length (0: not padded),
    /// so that a file larger than the device's heap can be written.
    /// </summary>
    public void Provision(params (string Path, string Text, int PaddedLength)[] files)
    {
        RequireBuilt(BootApp);
        string project = Path.Combine(Build.Root, "tests", "DeviceApps", "Provisioner-" + Interlocked.Increment(ref _provisionings));
        FolderCopy.Sources(Path.Combine(Build.Root, Provisioner), project);
        var source = new StringBuilder("namespace Provisioner\n{\n    internal static class Provision\n    {\n        public static readonly string[] Files = new string[]\n        {\n");
        foreach ((string path, string text, _) in files)
        {
            source.Append("            ").Append(Literal(path)).Append(",\n            ").Append(Literal(text)).Append(",\n");
        }

        source.Append("        };\n\n        public static readonly int[] PaddedLengths = new int[] { ")
            .Append(string.Join(", ", files.Select(f => f.PaddedLength.ToString(CultureInfo.InvariantCulture)))).Append(" };\n");
        File.WriteAllText(Path.Combine(project, "Provision.cs"), source.Append("    }\n}\n").ToString());
        ProcessResult built = ProcessRunner.Run(NanoKit.Tool("nf-build"), ["-c", "Release", Path.Combine(project, "Provisioner.nfproj")], RunLimit, Build.Root);
        Assert.True(built.ExitCode == 0, "the provisioning app did not build:\n" + built.StandardOutput + built.StandardError);

        DeviceRun run = Run(Path.Combine(project, "bin", "Release", "Provisioner.pe"), null);
        Assert.True(run.ExitCode == 0 && files.All(f => run.Console.Contains("provisioned " + f.Path, StringComparison.Ordinal)), run.ToString());
    }

    /// <summary>
    /// Runs the inspecting app on this device: it recovers the store as a boot would and prints the
    /// active release, verified file by file, and the folders of the storage.
    /// </summary>
    public DeviceRun Inspect()
    {
        // The boot app's deployment without the boot app, so that the inspector is the one entry point.
        string folder = Path.Combine(Build.Root, "inspect-" + Interlocked.Increment(ref _provisionings));
        Directory.CreateDirectory(folder);
        foreach (string pe in Directory.GetFiles(Build.OutputFolder(BootApp), "*.pe").Where(f => Path.GetFileName(f) != "TftpNano.Device.pe"))
        {
            File.Copy(pe, Path.Combine(folder, Path.GetFileName(pe)));
        }

        string inspector = Path.Combine(folder, "Inspector.pe");
        File.Copy(Path.Combine(Build.OutputFolder(Inspector), "Inspector.pe"), inspector);
        return Run(inspector, null);
    }

    /// <summary>Boots the boot app until the device goes idle (the release started, or nothing to start).</summary>
    public DeviceRun Boot() => Run(Path.Combine(Build.OutputFolder(BootApp), "TftpNano.Device.pe"), null);

    /// <summary>
    /// Boots the boot app and lets the device run for a time, for a release whose threads never end;
    /// the run then ends with <see cref="DeviceRun.TimedOut"/>.
    /// </summary>
    public DeviceRun BootAndRun(int seconds) => Run(Path.Combine(Build.OutputFolder(BootApp), "TftpNano.Device.pe"), null, seconds);

    /// <summary>Boots, and cuts the power just before IL instruction <paramref name="instruction"/>.</summary>
    public DeviceRun BootAndCutPower(long instruction) =>
        Run(Path.Combine(Build.OutputFolder(BootApp), "TftpNano.Device.pe"), instruction);

    /// <summary>Runs another application on this device: its <c>.pe</c> with the deployment beside it.</summary>
    public DeviceRun RunApp(string app, int seconds = 110) => Run(app, null, seconds);

    /// <summary>
    /// Boots the boot app in the background, for a test that changes the server while the release runs;
    /// <see cref="RunningDevice.Wait"/> collects the run.
    /// </summary>
    public RunningDevice StartBoot(int seconds) =>
        new(ProcessRunner.Start(NanoKit.Tool("nf-run"), Arguments(Path.Combine(Build.OutputFolder(BootApp), "TftpNano.Device.pe"), null, seconds), _folder));

    private DeviceRun Run(string app, long? killAtIl, int seconds = 110)
    {
        ProcessResult result = ProcessRunner.Run(NanoKit.Tool("nf-run"), Arguments(app, killAtIl, seconds), RunLimit, _folder);
        return new DeviceRun(result.ExitCode, result.StandardOutput, result.StandardError);
    }

    private List<string> Arguments(string app, long? killAtIl, int seconds)
    {
        var arguments = new List<string> { "--timeout", seconds.ToString(CultureInfo.InvariantCulture), "--heap", Heap, "--flash", Flash, "--sd", SdCard };
        if (FlashSize is not null)
        {
            arguments.AddRange(["--flash-size", FlashSize]);
        }

        if (SdSize is not null)
        {
            arguments.AddRange(["--sd-size", SdSize]);
        }

        if (killAtIl is long il)
        {
            arguments.AddRange(["--kill-at-il", il.ToString(CultureInfo.InvariantCulture)]);
        }

        arguments.Add(app);
        return arguments;
    }

    private static void RequireBuilt(string project)
    {
        ProcessResult result = Build.Result(project);
        Assert.True(result.ExitCode == 0, project + " did not build with the kit:\n" + string.Join("\n", Build.Diagnostics(project)));
    }

    private static string Literal(string text)
    {
        var literal = new StringBuilder("\"");
        foreach (char c in text)
        {
            literal.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\n' => "\\n",
                '\r' => "\\r",
                _ => c.ToString(),
            });
        }

        return literal.Append('"').ToString();
    }
}

/// <summary>A boot of the virtual device running in the background.</summary>
internal sealed class RunningDevice(System.Diagnostics.Process process)
{
    private readonly Task<string> _console = process.StandardOutput.ReadToEndAsync();
    private readonly Task<string> _interpreter = process.StandardError.ReadToEndAsync();

    /// <summary>Waits for the run to end (nf-run's own time limit ends it) and returns what it printed.</summary>
    public DeviceRun Wait()
    {
        using (process)
        {
            if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            process.WaitForExit();
            return new DeviceRun(process.ExitCode, _console.Result, _interpreter.Result);
        }
    }
}
