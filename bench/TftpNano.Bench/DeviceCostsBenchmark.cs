using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using TftpNano.Cli.Update;
using TftpNano.Host.Relay;
using TftpNano.Host.Server;
using TftpNano.Host.Update;
using TftpNano.Security;
using TftpNano.Tests.Support;
using TftpNano.Update.Manifest;

namespace TftpNano.Bench;

/// <summary>
/// What the device's work costs in nanoCLR, the real nanoFramework interpreter of the kit, in IL
/// instructions: exact and repeatable, unlike time, and what an ESP32 executes. Each figure is the
/// difference of two runs that differ only in the amount of work, so start-up and set-up cancel out.
/// With a revision to compare, the same scenarios run on that revision's sources too.
/// </summary>
internal sealed class DeviceCostsBenchmark
{
    private const string Core = "src/TftpNano/TftpNano.nfproj";
    private const string BootApp = "src/TftpNano.Device/TftpNano.Device.nfproj";
    private const string App = "tests/DeviceApps/Blinky/Blinky.nfproj";
    private const string Costs = "bench/DeviceCosts/DeviceCosts.nfproj";
    private const int HashBytes = 64 * 1024;
    private const int Blocks = 256;
    private const int BlockSize = 1468;
    private const int InstallBytes = 64 * 1024;
    private const int LinkBytes = 1024 * 1024;

    private readonly string _kit;
    private readonly string _work;
    private readonly TftpServer _server;
    private readonly string _served;
    private int _runs;

    private DeviceCostsBenchmark(string kit, string work)
    {
        _kit = kit;
        _work = work;
        _served = Directory.CreateDirectory(Path.Combine(work, "served")).FullName;
        // Every virtual device is 127.0.0.1, and each boot the heap search starves of memory leaves its
        // transfer open until the server gives up on it: the caps are for a fleet, not for this.
        _server = new TftpServer(_served, new IPEndPoint(IPAddress.Loopback, 0), new TftpServerSettings { MaxTransfers = 1024, MaxTransfersPerClient = 1024 });
        _server.Start();
    }

    public static string Run(string work, string? compare, string commandLine)
    {
        string kit = FindKit();
        var clock = Stopwatch.StartNew();
        var bench = new DeviceCostsBenchmark(kit, work);
        try
        {
            var columns = new List<(string Name, Dictionary<string, double> Costs)>();
            if (compare is not null)
            {
                string revision = Git("rev-parse", "--short", compare).Trim();
                columns.Add(($"{revision} (before)", bench.Measure(bench.Checkout(revision))));
            }

            string head = Git("rev-parse", "--short", "HEAD").Trim();
            columns.Add(($"{head}{(Git("status", "--porcelain", "src").Length > 0 ? " + changes" : string.Empty)}", bench.Measure(bench.WorkingTree())));
            return Report(columns, commandLine, clock.Elapsed);
        }
        finally
        {
            bench._server.Dispose();
        }
    }

    private static string FindKit()
    {
        string? configured = Environment.GetEnvironmentVariable("NANOFRAMEWORK_SDK");
        string kit = string.IsNullOrEmpty(configured) ? Path.Combine(RepositoryPaths.Root, "..", "shared", "nanoframework-sdk") : configured;
        return File.Exists(Path.Combine(kit, "bin", "nf-build"))
            ? Path.GetFullPath(kit)
            : throw new InvalidOperationException("The nanoFramework kit is missing: put it at ../shared/nanoframework-sdk or set NANOFRAMEWORK_SDK.");
    }

    // The scenarios' sources: the device projects of the working tree, and the benchmark app.
    private string WorkingTree()
    {
        string root = Path.Combine(_work, "tree-working");
        if (Directory.Exists(root))
        {
            return root;
        }

        foreach (string file in Git("ls-files", "-co", "--exclude-standard", "src", "tests/DeviceApps", "bench/DeviceCosts").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string to = Path.Combine(root, file);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(Path.Combine(RepositoryPaths.Root, file), to);
        }

        return root;
    }

    // Another revision's device projects, with today's benchmark app: it uses only public APIs.
    private string Checkout(string revision)
    {
        string root = Path.Combine(_work, "tree-" + revision);
        Directory.CreateDirectory(root);
        string archive = Path.Combine(_work, revision + ".tar");
        Git("archive", "-o", archive, revision, "src", "tests/DeviceApps");
        Exec("tar", ["-xf", archive, "-C", root], root);
        string working = WorkingTree();
        CopyFolder(Path.Combine(working, "bench", "DeviceCosts"), Path.Combine(root, "bench", "DeviceCosts"));
        return root;
    }

    private Dictionary<string, double> Measure(string root)
    {
        foreach (string project in new[] { Core, BootApp, App })
        {
            Build(root, project);
        }

        var costs = new Dictionary<string, double>();
        long baseline = RunScenario(root, "baseline", 0, "", "", "", 0, "");
        costs["SHA-256 (managed) per byte"] = Per(RunScenario(root, "sha256", HashBytes) - RunScenario(root, "sha256", 0), HashBytes);
        long chain = RunScenario(root, "chain", HashBytes, optional: true);
        costs["HMAC-SHA256 chain (native HMAC per 4 KiB) per byte"] = chain < 0 ? -1 : Per(chain - RunScenario(root, "chain", 0), HashBytes);

        foreach (int bits in new[] { 2048, 3072 })
        {
            using RSA rsa = RSA.Create(bits);
            byte[] digest = SHA256.HashData(Encoding.ASCII.GetBytes("manifest"));
            byte[] signature = rsa.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            string key = Convert.ToBase64String(rsa.ExportParameters(false).Modulus!);
            long once = RunScenario(root, "rsa", 1, key, Convert.ToBase64String(digest), Convert.ToBase64String(signature), 0, "");
            long twice = RunScenario(root, "rsa", 2, key, Convert.ToBase64String(digest), Convert.ToBase64String(signature), 0, "");
            costs[$"RSA-{bits} verification"] = twice - once;
            costs[$"RSA-{bits} key set-up, base64 included"] = once - baseline - (twice - once);
        }

        File.WriteAllBytes(Path.Combine(_served, "one.bin"), new byte[BlockSize - 100]);
        File.WriteAllBytes(Path.Combine(_served, "many.bin"), new byte[(Blocks * BlockSize) + BlockSize - 100]);
        costs["per DATA block received (1468 bytes, window 4, no storage, no hashing)"] =
            Per(RunScenario(root, "download", 0, port: _server.LocalEndPoint.Port, text: "many.bin")
                - RunScenario(root, "download", 0, port: _server.LocalEndPoint.Port, text: "one.bin"), Blocks);

        (long smallInstall, long upToDate) = Boot(root, "small", 1024, null);
        (long largeInstall, _) = Boot(root, "large", 1024 + InstallBytes, null);
        costs["install boot, 1 KiB release (RSA-3072 manifest)"] = smallInstall;
        costs["up-to-date boot"] = upToDate;
        costs["per byte installed (fetch, hash, write)"] = smallInstall < 0 || largeInstall < 0 ? -1 : Per(largeInstall - smallInstall, InstallBytes);
        costs["smallest heap of an install boot, bytes (nanoCLR blocks of 24 bytes)"] = SmallestHeap(root);
        costs["install boot, 1 MiB to the SD card from tftpd-hpa over 2 ms RTT, seconds (median of 3)"] = LinkBoot(root, "delay=1ms");
        costs["the same with 1 % loss each way, seconds (median of 3)"] = LinkBoot(root, "delay=1ms,loss=1%");
        return costs;
    }

    // The seconds an install boot takes from tftpd-hpa, a lock-step server, through an emulated link:
    // where it loses datagrams, the server's own retransmission timer sets the pace. The median of three
    // boots, each run's losses seeded alike in both columns.
    private double LinkBoot(string root, string link)
    {
        using PeerServer tftpd = PeerServer.Start(Peers.TftpdHpa, _served, _work);
        var seconds = new List<double>();
        for (int run = 0; run < 3; run++)
        {
            LinkProfile profile = LinkProfile.Parse(link);
            using var relay = new LinkEmulator(tftpd.EndPoint, profile, profile, seed: run + 1);
            relay.Start();
            var clock = Stopwatch.StartNew();
            if (Boot(root, "link" + Interlocked.Increment(ref _runs), LinkBytes, null, relay.LocalEndPoint).Install < 0)
            {
                return -1;
            }

            seconds.Add(clock.Elapsed.TotalSeconds);
        }

        return seconds.Order().ElementAt(1);
    }

    // Installs a signed release of Blinky.pe and a data file on a fresh device, then boots again.
    private (long Install, long UpToDate) Boot(string root, string name, int dataBytes, string? heap, IPEndPoint? server = null)
    {
        string channel = Directory.CreateDirectory(Path.Combine(_served, name)).FullName;
        foreach (string old in Directory.GetFiles(channel))
        {
            File.Delete(old);
        }

        File.Copy(Path.Combine(Output(root, App), "Blinky.pe"), Path.Combine(channel, "Blinky.pe"));
        File.WriteAllBytes(Path.Combine(channel, "data.bin"), RandomBytes(dataBytes));
        (string privateKey, string publicKey) = SigningKey.Generate(Path.Combine(_work, "key-" + name + "-" + Interlocked.Increment(ref _runs)), 3072);
        // A revision from before the channel line reads manifests without one, from before the chain
        // SHA-256 digests only.
        bool chain = File.Exists(Path.Combine(root, "src", "TftpNano", "Security", "HmacSha256Chain.cs"));
        bool channels = Directory.GetFiles(Path.Combine(root, "src", "TftpNano", "Update"), "ReleaseManifest*.cs", SearchOption.AllDirectories)
            .Any(f => File.ReadAllText(f).Contains("CheckChannel", StringComparison.Ordinal));
        ReleasePublisher.Publish(channel, channels ? name : "/", "1.0.0", "Blinky.Program.Main", ["Blinky.pe"], privateKey,
            chain ? DigestKind.HmacSha256Chain : DigestKind.Sha256);

        string device = Directory.CreateDirectory(Path.Combine(_work, "device-" + Interlocked.Increment(ref _runs))).FullName;
        string settings = (server is null ? "" : "storage=sd-mmc\n") + $"server=127.0.0.1\nport={(server ?? _server.LocalEndPoint).Port}\nchannel={name}\npublickey={File.ReadAllText(publicKey).Trim()}\nnetwork=ethernet\nnetwork.wait=5\n";
        RunScenario(root, "provision", 0, text: settings, device: device);
        (int exit, string console, long install) = NfRun(Path.Combine(Output(root, BootApp), "TftpNano.Device.pe"), device, heap ?? "96K");
        if (exit != 0 || !console.Contains("blinky: running", StringComparison.Ordinal) || !console.Contains("Installed release", StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"install boot of {name} ({dataBytes} bytes, heap {heap ?? "96K"}) did not start the release (exit {exit}):\n{console}");
            return (-1, -1);
        }

        if (server is not null)
        {
            Console.Error.WriteLine(string.Join('\n', console.Split('\n').Where(line => line.Contains("Received", StringComparison.Ordinal))));
            return (install, -1);
        }

        (exit, console, long upToDate) = NfRun(Path.Combine(Output(root, BootApp), "TftpNano.Device.pe"), device, heap ?? "96K");
        return (install, exit == 0 && console.Contains("Up to date", StringComparison.Ordinal) ? upToDate : -1);
    }

    // The smallest heap, to 1 KiB, with which the 1 KiB release installs and starts; -1 when 96 KiB is
    // not enough either.
    private long SmallestHeap(string root)
    {
        int low = 16, high = 96;
        if (Boot(root, "heap" + high, 1024, high + "K").Install < 0)
        {
            return -1;
        }

        while (low < high)
        {
            int middle = (low + high) / 2;
            if (Boot(root, "heap" + middle, 1024, middle + "K").Install > 0)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return high * 1024L;
    }

    // The IL instructions of one scenario; -1 when it is optional and this revision cannot run it.
    private long RunScenario(string root, string kind, int count, string key = "", string digest = "", string signature = "", int port = 0,
        string text = "", string? device = null, bool optional = false)
    {
        string project = Path.Combine(root, "bench", "DeviceCosts");
        File.WriteAllText(Path.Combine(project, "Scenario.cs"), $$"""
            namespace DeviceCosts
            {
                internal static class Scenario
                {
                    public static readonly string Kind = {{Literal(kind)}};
                    public static readonly int Count = {{count}};
                    public static readonly string Key = {{Literal(key)}};
                    public static readonly string Digest = {{Literal(digest)}};
                    public static readonly string Signature = {{Literal(signature)}};
                    public static readonly int Port = {{port}};
                    public static readonly string Text = {{Literal(text)}};
                }
            }
            """);
        Build(root, Costs);
        (int exit, string console, long il) = NfRun(Path.Combine(Output(root, Costs), "DeviceCosts.pe"),
            device ?? Directory.CreateDirectory(Path.Combine(_work, "device-" + Interlocked.Increment(ref _runs))).FullName, "96K");
        if (optional && console.Contains($"scenario {kind} unsupported", StringComparison.Ordinal))
        {
            return -1;
        }

        if (exit != 0 || !console.Contains($"scenario {kind} done", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"scenario {kind} ({count}) failed with {exit}:\n{console}");
        }

        return il;
    }

    private (int Exit, string Console, long Il) NfRun(string app, string device, string heap)
    {
        ProcessResult result = ProcessRunner.Run(Path.Combine(_kit, "bin", "nf-run"),
            ["--timeout", "120", "--heap", heap, "--flash", Path.Combine(device, "flash.bin"), "--sd", Path.Combine(device, "sd.bin"), app],
            TimeSpan.FromMinutes(3), device);
        Match match = Regex.Match(result.StandardError, @"IL opcodes executed: (\d+)");
        return (result.ExitCode, result.StandardOutput, match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : -1);
    }

    private void Build(string root, string project)
    {
        ProcessResult result = ProcessRunner.Run(Path.Combine(_kit, "bin", "nf-build"), ["-c", "Release", project], TimeSpan.FromMinutes(5), root);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{project} did not build:\n{result.StandardOutput}\n{result.StandardError}");
        }
    }

    private static string Output(string root, string project) => Path.Combine(root, Path.GetDirectoryName(project)!, "bin", "Release");

    private static double Per(long instructions, long units) => (double)instructions / units;

    private static byte[] RandomBytes(int count)
    {
        byte[] bytes = new byte[count];
        new Random(count).NextBytes(bytes);
        return bytes;
    }

    private static string Literal(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";

    private static string Report(List<(string Name, Dictionary<string, double> Costs)> columns, string commandLine, TimeSpan took)
    {
        var report = new StringBuilder();
        report.AppendLine("# Device costs");
        report.AppendLine();
        report.AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd} in nanoCLR, nanoFramework's interpreter (the kit's virtual ESP32, 96 KiB heap), with:");
        report.AppendLine();
        report.AppendLine("```sh");
        report.AppendLine(commandLine);
        report.AppendLine("```");
        report.AppendLine();
        report.AppendLine("IL instructions executed, which are exact and the same on an ESP32: each figure is the difference of two "
            + "runs that differ only in the amount of work (64 KiB hashed, a second verification, 256 more blocks, 64 KiB more "
            + "installed), so start-up and set-up cancel out. The boots are the real boot app against the embedded server on loopback, "
            + "with a release signed with RSA-3072. The smallest heap is searched to 1 KiB; heap blocks are 24 bytes in nanoCLR and 12 on an "
            + "ESP32, so it is an upper bound. The last two rows are time, not instructions: the whole install boot (start-up, RSA "
            + "and all) of a 1 MiB file to the SD card from tftpd-hpa through the link emulator, 1 ms each way, then with 1 % loss "
            + "each way, where each lost datagram costs what the server's retransmission timeout is; their difference is what the "
            + "losses cost.");
        report.AppendLine();
        report.AppendLine("| cost | " + string.Join(" | ", columns.Select(c => c.Name)) + (columns.Count > 1 ? " | ratio |" : " |"));
        report.AppendLine("| --- |" + string.Concat(columns.Select(_ => " ---: |")) + (columns.Count > 1 ? " ---: |" : string.Empty));
        foreach (string name in columns[^1].Costs.Keys)
        {
            IEnumerable<double> values = columns.Select(c => c.Costs.GetValueOrDefault(name, -1));
            string ratio = columns.Count > 1 && columns[0].Costs[name] > 0 && columns[^1].Costs[name] > 0
                ? $" | {columns[0].Costs[name] / columns[^1].Costs[name]:0.0}x fewer |"
                : columns.Count > 1 ? " | |" : " |";
            report.AppendLine($"| {name} | " + string.Join(" | ", values.Select(Format)) + ratio);
        }

        report.AppendLine();
        report.AppendLine($"Took {took.TotalMinutes:0.0} min.");
        return report.ToString();
    }

    // Whole instructions, but per-byte figures below a hundred to two decimals; n/a where a revision
    // cannot run the scenario.
    private static string Format(double value) =>
        value < 0 ? "n/a" : value.ToString(value < 100 ? "N2" : "N0", CultureInfo.InvariantCulture);

    private static string Git(params string[] arguments) => Exec("git", arguments, RepositoryPaths.Root);

    private static string Exec(string program, string[] arguments, string folder)
    {
        ProcessResult result = ProcessRunner.Run(program, arguments, TimeSpan.FromMinutes(2), folder);
        return result.ExitCode == 0 ? result.StandardOutput : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)}: {result.StandardError}");
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        }

        foreach (string folder in Directory.GetDirectories(from))
        {
            CopyFolder(folder, Path.Combine(to, Path.GetFileName(folder)));
        }
    }
}
