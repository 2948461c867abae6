using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using TftpNano.Bench;
using TftpNano.Host.Relay;
using TftpNano.Tests.Support;

// Downloads real files from atftpd and tftpd-hpa on loopback with tftpnano and its peers, directly and
// through emulated links, and prints (and writes) a markdown table of the medians.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var options = BenchOptions.Parse(args);
string root = Directory.CreateTempSubdirectory("tftpnano-bench-").FullName;
File.SetUnixFileMode(root, (UnixFileMode)0x1ED);
try
{
    string report = options.Device ? DeviceCostsBenchmark.Run(root, options.Compare, options.CommandLine)
        : options.Crypto ? CryptoBenchmark.Run(options.CommandLine)
        : options.Fleet ? FleetSection.Replace(options.OutputPath, new FleetBenchmark(options.TftpNano, root).Run(FleetSection.Sizes(options.Quick)))
        : new Benchmark(options, root).Run();
    Console.WriteLine(report);
    if (options.OutputPath is { } path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, report);
        Console.Error.WriteLine($"written to {path}");
    }
}
finally
{
    Directory.Delete(root, recursive: true);
}

/// <summary>The command line of the benchmark.</summary>
internal sealed record BenchOptions(string TftpNano, int Runs, TimeSpan Cap, string? OutputPath, string CommandLine, bool Quick, bool Crypto,
    bool Device, string? Compare, bool Fleet)
{
    public static BenchOptions Parse(string[] args)
    {
        string tftpnano = Path.Combine(AppContext.BaseDirectory, "tftpnano");
        int runs = 3;
        double cap = 60;
        string? output = null;
        bool quick = false;
        bool crypto = false;
        bool device = false;
        bool fleet = false;
        string? compare = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--tftpnano": tftpnano = Path.GetFullPath(args[++i]); break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--cap-seconds": cap = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--out": output = Path.GetFullPath(args[++i]); break;
                case "--quick": quick = true; break;
                case "--crypto": crypto = true; break;
                case "--device": device = true; break;
                case "--compare": compare = args[++i]; break;
                case "--fleet": fleet = true; break;
                default: throw new ArgumentException($"Unknown argument {args[i]}; use --tftpnano PATH --runs N --cap-seconds S --out FILE --quick [--fleet], "
                    + "or --crypto [--out FILE], or --device [--compare REVISION] [--out FILE].");
            }
        }

        return new BenchOptions(tftpnano, runs, TimeSpan.FromSeconds(cap), output,
            Environment.GetEnvironmentVariable("TFTPNANO_BENCH_COMMAND") ?? "dotnet run -c Release --project bench/TftpNano.Bench -- " + string.Join(' ', args), quick, crypto,
            device, compare, fleet);
    }
}

/// <summary>The fleet table's place in docs/benchmarks.md, which <c>--fleet</c> alone rewrites.</summary>
internal static class FleetSection
{
    public static int[] Sizes(bool quick) => quick ? [50] : [50, 200, 500];

    // The report with its fleet section replaced (or added at its end), the rest as it was measured.
    public static string Replace(string? path, string section)
    {
        string existing = path is not null && File.Exists(path) ? File.ReadAllText(path) : "# Benchmarks\n";
        int start = existing.IndexOf("\n## Fleet\n", StringComparison.Ordinal);
        if (start < 0)
        {
            return existing.TrimEnd() + "\n\n" + section;
        }

        int next = existing.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return existing[..(start + 1)] + section + (next < 0 ? "" : existing[next..].TrimStart('\n').Insert(0, "\n"));
    }
}

/// <summary>One emulated link; a null profile talks to the server directly.</summary>
internal sealed record Link(string Name, LinkProfile? Profile, double RoundTripMs);

/// <summary>The outcome of one cell of the table.</summary>
internal sealed record Cell(string Server, Link Link, long Size, Client Client, List<double> Seconds, bool Capped, string? Failure,
    long PeakRssKib, long AllocatedBytes, int NegotiatedWindow, List<double> TransferSeconds)
{
    public double? Median => Seconds.Count == 0 ? null : Seconds.Order().ElementAt(Seconds.Count / 2);

    // tftpnano's own account (--stats): from its request to the end of its dally, without the process's
    // start-up and exit.
    public double? TransferMedian => TransferSeconds.Count == 0 ? null : TransferSeconds.Order().ElementAt(TransferSeconds.Count / 2);
}

internal sealed class Benchmark(BenchOptions options, string root)
{
    private static readonly long[] Sizes = [256 * 1024, 3 * 1024 * 1024, 40 * 1024 * 1024];
    private static readonly TimeSpan SlowRun = TimeSpan.FromSeconds(10);

    private static readonly Link[] Links =
    [
        new("loopback", null, 0),
        new("2 ms RTT", LinkProfile.Parse("delay=1ms"), 2),
        new("2 ms RTT, 1 % loss", LinkProfile.Parse("delay=1ms,loss=1%"), 2),
        new("10 ms RTT, 2 % loss", LinkProfile.Parse("delay=5ms,loss=2%"), 10),
    ];

    private readonly string _served = Directory.CreateDirectory(Path.Combine(root, "served")).FullName;
    private readonly string _received = Directory.CreateDirectory(Path.Combine(root, "received")).FullName;
    private readonly Dictionary<long, byte[]> _hashes = [];

    public string Run()
    {
        File.SetUnixFileMode(_served, (UnixFileMode)0x1ED);
        foreach (long size in Sizes)
        {
            byte[] content = new byte[size];
            new Random((int)size).NextBytes(content);
            string path = Path.Combine(_served, Name(size));
            File.WriteAllBytes(path, content);
            File.SetUnixFileMode(path, (UnixFileMode)0x1A4);
            _hashes[size] = SHA256.HashData(content);
        }

        var cells = new List<Cell>();
        var clock = Stopwatch.StartNew();
        foreach (string server in new[] { Peers.Atftpd, Peers.TftpdHpa })
        {
            using PeerServer peer = PeerServer.Start(server, _served, root);
            foreach (Link link in options.Quick ? Links[..2] : Links)
            {
                foreach (long size in Sizes.Where(s => link.Profile is null || s < Sizes[^1]).Where(s => !options.Quick || s < Sizes[^1]))
                {
                    foreach (Client client in Client.All(options.TftpNano))
                    {
                        Cell cell = Measure(server, peer.EndPoint, link, size, client);
                        cells.Add(cell);
                        Console.Error.WriteLine($"[{clock.Elapsed:mm\\:ss}] {server} | {link.Name} | {Units(size)} | {client.Name}: "
                            + (cell.Failure ?? $"{cell.Median:0.000} s over {cell.Seconds.Count} run(s){(cell.Capped ? " (capped)" : "")}"));
                    }
                }
            }
        }

        string fleet = new FleetBenchmark(options.TftpNano, root).Run(FleetSection.Sizes(options.Quick));
        return Report(cells, clock.Elapsed) + Environment.NewLine + fleet;
    }

    private Cell Measure(string server, IPEndPoint endPoint, Link link, long size, Client client)
    {
        var seconds = new List<double>();
        long peakRss = 0;
        long allocated = 0;
        int window = server == Peers.Atftpd ? client.WindowSize : 1;
        var transfer = new List<double>();
        for (int run = 0; run < options.Runs; run++)
        {
            string output = Path.Combine(_received, "out.bin");
            File.Delete(output);
            using LinkEmulator? relay = link.Profile is null ? null : new LinkEmulator(endPoint, link.Profile, link.Profile, seed: run + 1);
            relay?.Start();
            (string program, string[] arguments) = client.Command(relay?.LocalEndPoint ?? endPoint, Name(size), output);
            string rssFile = Path.Combine(_received, "rss.txt");
            var clock = Stopwatch.StartNew();
            using Process process = ProcessRunner.Start("/usr/bin/time", ["-f", "%M", "-o", rssFile, program, .. arguments], _received);
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(options.Cap))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return new Cell(server, link, size, client, [options.Cap.TotalSeconds], true, null, peakRss, allocated, window, transfer);
            }

            process.WaitForExit();
            double elapsed = clock.Elapsed.TotalSeconds;
            if (process.ExitCode != 0 || !File.Exists(output) || !SHA256.HashData(File.ReadAllBytes(output)).SequenceEqual(_hashes[size]))
            {
                string why = (stderr.Result + stdout.Result).Trim().Split('\n').LastOrDefault() ?? "";
                return new Cell(server, link, size, client, seconds, false, $"failed (exit {process.ExitCode}): {why}", peakRss, allocated, window, transfer);
            }

            seconds.Add(elapsed);
            peakRss = Math.Max(peakRss, long.Parse(File.ReadAllLines(rssFile).Last(l => l.Trim().Length > 0).Trim(), CultureInfo.InvariantCulture));
            if (client.IsTftpNano && Stat(stderr.Result, "allocated") is { } bytes)
            {
                allocated = Math.Max(allocated, (long)bytes);
            }

            if (client.IsTftpNano && Stat(stderr.Result, "seconds") is { } own)
            {
                transfer.Add(own);
            }

            if (elapsed > SlowRun.TotalSeconds)
            {
                break;
            }
        }

        return new Cell(server, link, size, client, seconds, false, null, peakRss, allocated, window, transfer);
    }

    private static double? Stat(string stderr, string key)
    {
        string? line = stderr.Split('\n').FirstOrDefault(l => l.StartsWith("stats ", StringComparison.Ordinal));
        string? pair = line?.Split(' ').FirstOrDefault(p => p.StartsWith(key + "=", StringComparison.Ordinal));
        return pair is null ? null : double.Parse(pair[(key.Length + 1)..], CultureInfo.InvariantCulture);
    }

    private string Report(List<Cell> cells, TimeSpan total)
    {
        var text = new StringBuilder();
        text.AppendLine("# Benchmarks");
        text.AppendLine();
        text.AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores ({Platform.CpuModel()}), {total.TotalMinutes:0} minutes in all, with:");
        text.AppendLine();
        text.AppendLine("```sh");
        text.AppendLine(options.CommandLine);
        text.AppendLine("```");
        text.AppendLine();
        text.AppendLine($"Peers: {Versions()}. Each client is a separate process, timed whole (start-up, transfer and exit) and its");
        text.AppendLine("output checked against the served file's SHA-256; tftpnano is the native (AOT) build. Links other than loopback");
        text.AppendLine("are emulated by `tftpnano relay` (the same `LinkEmulator`, in the benchmark's process) with the loss in both");
        text.AppendLine($"directions. Each cell is the median of {options.Runs} runs; a run slower than {SlowRun.TotalSeconds:0} s is not repeated, and a run is");
        text.AppendLine($"stopped at {options.Cap.TotalSeconds:0} s (shown as `> {options.Cap.TotalSeconds:0}`). The link bound is windowsize x blksize / RTT with the");
        text.AppendLine("window the server grants (tftpd-hpa grants none: 1); \"of bound\" is the achieved throughput over it.");
        foreach (IGrouping<string, Cell> server in cells.GroupBy(c => c.Server))
        {
            text.AppendLine();
            text.AppendLine($"## {server.Key}");
            text.AppendLine();
            text.AppendLine("| link | size | client | time (s) | MiB/s | link bound (MiB/s) | of bound | peak RSS (MiB) | runs |");
            text.AppendLine("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (Cell cell in server)
            {
                text.AppendLine(Row(cell));
            }
        }

        text.AppendLine();
        text.AppendLine("## tftpnano's allocations");
        text.AppendLine();
        text.AppendLine("Bytes the transfer allocated on the managed heap (`tftpnano get --stats`), loopback, defaults:");
        text.AppendLine();
        text.AppendLine("| server | size | allocated (bytes) | per MiB (bytes) |");
        text.AppendLine("| --- | --- | ---: | ---: |");
        foreach (Cell cell in cells.Where(c => c.Link.Profile is null && c.Client.Name == "tftpnano defaults" && c.AllocatedBytes > 0))
        {
            text.AppendLine($"| {cell.Server} | {Units(cell.Size)} | {cell.AllocatedBytes} | {cell.AllocatedBytes / (cell.Size / 1048576.0):0} |");
        }

        text.AppendLine();
        text.AppendLine("## Against the targets");
        text.AppendLine();
        foreach (string line in Targets(cells))
        {
            text.AppendLine("- " + line);
        }

        return text.ToString();
    }

    private static IEnumerable<string> Targets(List<Cell> cells)
    {
        double? Time(string server, string link, long size, string client) =>
            cells.FirstOrDefault(c => c.Server == server && c.Link.Name == link && c.Size == size && c.Client.Name == client && c.Failure is null)?.Median;

        const long ThreeMiB = 3 * 1024 * 1024;
        double? lossy = Time(Peers.Atftpd, "2 ms RTT, 1 % loss", ThreeMiB, "tftpnano defaults");
        double? lossless = Time(Peers.Atftpd, "2 ms RTT", ThreeMiB, "tftpnano defaults");
        double? atftpLossy = Time(Peers.Atftpd, "2 ms RTT, 1 % loss", ThreeMiB, "atftp blksize 1468 windowsize 16");
        double? curlLossy = new[] { Time(Peers.Atftpd, "2 ms RTT, 1 % loss", ThreeMiB, "curl"), Time(Peers.Atftpd, "2 ms RTT, 1 % loss", ThreeMiB, "curl --tftp-blksize 1468") }.Min();
        double? atftpLossless = Time(Peers.Atftpd, "2 ms RTT", ThreeMiB, "atftp blksize 1468 windowsize 16");
        yield return $"2 ms RTT, 1 % loss, 3 MiB from atftpd: tftpnano {Seconds(lossy)}, atftp {Seconds(atftpLossy)} ({Ratio(atftpLossy, lossy)} faster), "
            + $"fastest curl {Seconds(curlLossy)} ({Ratio(curlLossy, lossy)} faster; a capped curl makes this a lower bound); "
            + $"{Ratio(lossy, lossless)} tftpnano's lossless time (target: 20x and 20x faster, within 2x).";
        double bound = 16 * 1468 / 0.002;
        double? own = cells.FirstOrDefault(c => c.Server == Peers.Atftpd && c.Link.Name == "2 ms RTT" && c.Size == ThreeMiB
            && c.Client.Name == "tftpnano defaults")?.TransferMedian;
        yield return $"2 ms RTT lossless, 3 MiB from atftpd: tftpnano {Seconds(lossless)}, atftp {Seconds(atftpLossless)} "
            + $"(tftpnano takes {Ratio(lossless, atftpLossless)} atftp's time; target: within 1.1x); "
            + $"{(lossless is { } l ? ThreeMiB / l / bound : double.NaN):P0} of the link bound as a whole process, "
            + $"{(own is { } o ? ThreeMiB / o / bound : double.NaN):P0} from its request to the end of its dally ({Seconds(own)}, --stats) "
            + "(target: 90 %).";
        double? big = Time(Peers.Atftpd, "loopback", 40 * 1024 * 1024, "tftpnano defaults");
        double? atftpBig = Time(Peers.Atftpd, "loopback", 40 * 1024 * 1024, "atftp blksize 1468 windowsize 16");
        double? bigOwn = cells.FirstOrDefault(c => c.Server == Peers.Atftpd && c.Link.Profile is null && c.Size == 40 * 1024 * 1024
            && c.Client.Name == "tftpnano defaults")?.TransferMedian;
        yield return $"loopback, 40 MiB from atftpd: tftpnano {Seconds(big)} (its transfer {Seconds(bigOwn)}), atftp {Seconds(atftpBig)} "
            + $"(tftpnano takes {Ratio(big, atftpBig)} atftp's time; target: at most 1x).";
        double? hpaLossy = Time(Peers.TftpdHpa, "2 ms RTT, 1 % loss", ThreeMiB, "tftpnano defaults");
        double? hpaLossless = Time(Peers.TftpdHpa, "2 ms RTT", ThreeMiB, "tftpnano defaults");
        yield return $"2 ms RTT, 3 MiB from tftpd-hpa (lock-step): tftpnano {Seconds(hpaLossy)} with 1 % loss, {Seconds(hpaLossless)} without: "
            + $"{Ratio(hpaLossy, hpaLossless)} its lossless time (target: at most 1.5x; 27.9 s, 6.1x, before utimeout).";
    }

    private static string Row(Cell cell)
    {
        string time = cell.Failure is not null ? cell.Failure.Replace("|", "/")
            : cell.Capped ? $"> {cell.Median:0}"
            : $"{cell.Median:0.000}";
        string rate = cell.Median is { } m && cell.Failure is null ? (cell.Capped ? $"< {cell.Size / m / 1048576:0.00}" : $"{cell.Size / m / 1048576:0.00}") : "";
        double? bound = cell.Link.RoundTripMs > 0 ? cell.NegotiatedWindow * cell.Client.BlockSize / (cell.Link.RoundTripMs / 1000) / 1048576 : null;
        string boundText = bound is { } b ? $"{b:0.00}" : "n/a";
        string fraction = bound is { } bb && cell.Median is { } mm && cell.Failure is null && !cell.Capped ? $"{cell.Size / mm / 1048576 / bb:P0}" : "";
        string rss = cell.PeakRssKib > 0 ? $"{cell.PeakRssKib / 1024.0:0.0}" : "";
        return $"| {cell.Link.Name} | {Units(cell.Size)} | {cell.Client.Name} | {time} | {rate} | {boundText} | {fraction} | {rss} | {cell.Seconds.Count} |";
    }

    private static string Seconds(double? value) => value is { } v ? $"{v:0.000} s" : "n/a";

    private static string Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? $"{x / y:0.0}x" : "n/a";

    private static string Name(long size) => $"image-{size}.bin";

    private static string Units(long size) => size >= 1048576 ? $"{size / 1048576} MiB" : $"{size / 1024} KiB";

    private static string Versions()
    {
        string Package(string name)
        {
            try
            {
                ProcessResult result = ProcessRunner.Run("dpkg-query", ["-W", "-f", "${Version}", name], TimeSpan.FromSeconds(10));
                return result.ExitCode == 0 ? $"{name} {result.StandardOutput}" : $"{name} (version unknown)";
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or TimeoutException)
            {
                return $"{name} (version unknown)";
            }
        }

        return string.Join(", ", new[] { "tftpd-hpa", "atftp", "curl", "tftp-hpa" }.Select(Package)) + ", atftpd from the atftp source package";
    }
}
