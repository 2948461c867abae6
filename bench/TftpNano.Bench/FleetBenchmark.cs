using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using TftpNano.Host.Net;
using TftpNano.Host.Relay;
using TftpNano.Protocol;
using TftpNano.Tests.Support;
using TftpNano.Transfer;
using TftpNano.Update.Streams;

namespace TftpNano.Bench;

/// <summary>
/// A fleet that boots at once: N clients start together, each on a loopback address of its own, and
/// fetch the same 1 MiB file with the device's settings (blksize 1468, windowsize 4, its timer floor),
/// from each server in turn, directly and through the link emulator with 1 % loss each way. Measures
/// the time until the last client is done, the byte-exact copies and the failures, and the server's CPU
/// time and peak memory (every process of it: tftpd-hpa forks one per transfer).
/// </summary>
internal sealed class FleetBenchmark(string tftpnano, string root)
{
    private const int FileBytes = 1024 * 1024;
    private const string FileName = "fleet.bin";
    private static readonly TimeSpan CellLimit = TimeSpan.FromMinutes(5);
    private static readonly string[] Servers = ["tftpnano serve", Peers.Atftpd, Peers.TftpdHpa, Peers.Dnsmasq];
    private static readonly (string Name, LinkProfile? Profile)[] Links = [("lossless", null), ("1 % loss", LinkProfile.Parse("loss=1%"))];

    private readonly string _served = Directory.CreateDirectory(Path.Combine(root, "fleet-served")).FullName;

    /// <summary>One cell of the table.</summary>
    private sealed record FleetCell(string Server, string Link, int Clients, double Seconds, double MedianSeconds, int Exact, int Failed,
        string? FirstFailure, double CpuSeconds, double PeakMemoryMiB, int PeakDescriptors);

    /// <summary>Runs every server, link and fleet size, and returns the report's section.</summary>
    public string Run(int[] sizes)
    {
        File.SetUnixFileMode(_served, (UnixFileMode)0x1ED);
        byte[] content = new byte[FileBytes];
        new Random(FileBytes).NextBytes(content);
        string path = Path.Combine(_served, FileName);
        File.WriteAllBytes(path, content);
        File.SetUnixFileMode(path, (UnixFileMode)0x1A4);
        byte[] expected = SHA256.HashData(content);

        var cells = new List<FleetCell>();
        var clock = Stopwatch.StartNew();
        foreach (string server in Servers)
        {
            foreach ((string linkName, LinkProfile? profile) in Links)
            {
                foreach (int clients in sizes)
                {
                    FleetCell cell = Measure(server, linkName, profile, clients, expected);
                    cells.Add(cell);
                    Console.Error.WriteLine($"[{clock.Elapsed:mm\\:ss}] fleet {server} | {linkName} | {clients}: {cell.Seconds:0.00} s, "
                        + $"{cell.Exact} exact, {cell.Failed} failed{(cell.FirstFailure is null ? "" : " (" + cell.FirstFailure + ")")}, "
                        + $"{cell.CpuSeconds:0.00} CPU s, {cell.PeakMemoryMiB:0.0} MiB");
                }
            }
        }

        return Report(cells, clock.Elapsed);
    }

    private FleetCell Measure(string server, string linkName, LinkProfile? profile, int clients, byte[] expected)
    {
        using RunningServer running = Start(server);
        using LinkEmulator? relay = profile is null ? null : new LinkEmulator(running.EndPoint, profile, profile, seed: clients);
        relay?.Start();
        IPEndPoint target = relay?.LocalEndPoint ?? running.EndPoint;

        using var sampler = new TreeSampler(running.ProcessId);
        var start = new ManualResetEventSlim();
        var outcomes = new string?[clients];
        var finished = new double[clients];
        var clock = new Stopwatch();
        Thread[] threads = Enumerable.Range(0, clients).Select(i => new Thread(() =>
        {
            var settings = new TftpDownloadSettings { BlockSize = 1468, WindowSize = 4, MinTimeoutMs = 30, RandomSeed = i + 1, TransferTimeLimitSeconds = 240 };
            var download = new TftpDownload(new BoundTransports(ClientAddress(i)), settings);
            using var hash = new HashingStream();
            start.Wait();
            try
            {
                download.Run(target, FileName, hash);
                outcomes[i] = hash.Matches(expected, FileBytes) ? null : "the copy differs";
            }
            catch (TftpException e)
            {
                outcomes[i] = e.Message;
            }

            finished[i] = clock.Elapsed.TotalSeconds;
        }, 256 * 1024) { IsBackground = true }).ToArray();
        Array.ForEach(threads, t => t.Start());
        clock.Start();
        start.Set();
        DateTime end = DateTime.UtcNow + CellLimit;
        foreach (Thread thread in threads)
        {
            thread.Join(end - DateTime.UtcNow > TimeSpan.Zero ? end - DateTime.UtcNow : TimeSpan.Zero);
        }

        for (int i = 0; i < clients; i++)
        {
            if (threads[i].IsAlive)
            {
                outcomes[i] = $"not done after {CellLimit.TotalMinutes:0} min";
            }
        }

        // Let forked transfers exit and be reaped, so that their CPU time reaches the parent's count.
        Thread.Sleep(1500);
        int failed = outcomes.Count(o => o is not null);
        return new FleetCell(server, linkName, clients, finished.Max(), finished.Order().ElementAt(clients / 2), clients - failed, failed,
            outcomes.FirstOrDefault(o => o is not null), sampler.CpuSeconds(), sampler.PeakPssKib / 1024.0, sampler.PeakDescriptors);
    }

    // 127.1.0.2, 127.1.0.3, ...: a loopback address per device, as a fleet has an address per board.
    private static IPAddress ClientAddress(int i) => new([127, 1, (byte)(i / 250), (byte)((i % 250) + 2)]);

    private RunningServer Start(string server)
    {
        if (server != "tftpnano serve")
        {
            PeerServer peer = PeerServer.Start(server, _served, root);
            return new RunningServer(peer.EndPoint, peer.ProcessId, peer);
        }

        // The AOT build with its default caps, under the descriptor limit of a default Linux login.
        int port = FreeUdpPort();
        Process process = ProcessRunner.Start("prlimit", ["--nofile=1024:1024", "--", tftpnano, "serve", _served, "--address", "127.0.0.1",
            "--port", port.ToString(CultureInfo.InvariantCulture)]);
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var endPoint = new IPEndPoint(IPAddress.Loopback, port);
        WaitUntilAnswering(endPoint, process);
        return new RunningServer(endPoint, process.Id, new Stopper(process));
    }

    private static void WaitUntilAnswering(IPEndPoint server, Process process)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        byte[] request = new byte[64];
        int length = TftpPacket.WriteRequest(request, TftpOpcode.ReadRequest, "absent", null);
        for (int attempt = 0; attempt < 100 && !process.HasExited; attempt++)
        {
            socket.SendTo(request, length, SocketFlags.None, server);
            if (socket.Poll(TimeSpan.FromMilliseconds(100), SelectMode.SelectRead))
            {
                return;
            }
        }

        throw new InvalidOperationException("tftpnano serve did not answer.");
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static string Report(List<FleetCell> cells, TimeSpan took)
    {
        var text = new StringBuilder();
        text.AppendLine("## Fleet");
        text.AppendLine();
        text.AppendLine($"N clients start at once, each on a loopback address of its own, and fetch the same {FileBytes / 1048576} MiB file with the device's");
        text.AppendLine("settings (blksize 1468, windowsize 4, a 30 ms timer floor, 10 retries): `TftpDownload` on a thread per client in the");
        text.AppendLine("benchmark's process, each copy checked by SHA-256. Lossy cells go through the link emulator, 1 % loss each way. tftpnano");
        text.AppendLine("serve is the AOT build with its default caps (64 transfers, 8 per address, 1024 waiting) under `ulimit -n 1024`; atftpd");
        text.AppendLine("runs with `--maxthread 200` and dnsmasq with `--tftp-max=200`, as in the tests. Time is until the last client is done;");
        text.AppendLine("the median client's time is given beside it, since one lost request costs its client the 1 s initial timeout.");
        text.AppendLine("CPU is the server's user and system time with its forked transfers' (sampled while they live: tftpd-hpa does not");
        text.AppendLine("wait for them); memory is the largest sum of the proportional set sizes (PSS: shared pages split between the");
        text.AppendLine("processes that share them) over the server's processes, sampled every 50 ms; peak descriptors are those of its");
        text.AppendLine($"main process (tftpd-hpa's forks hold their own). Took {took.TotalMinutes:0.0} min.");
        text.AppendLine();
        text.AppendLine("| server | link | clients | last done (s) | median client (s) | byte-exact | failed | server CPU (s) | peak memory (PSS, MiB) | peak descriptors |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (FleetCell cell in cells)
        {
            string failed = cell.Failed == 0 ? "0" : $"{cell.Failed}: {cell.FirstFailure?.Replace("|", "/")}";
            text.AppendLine(FormattableString.Invariant(
                $"| {cell.Server} | {cell.Link} | {cell.Clients} | {cell.Seconds:0.00} | {cell.MedianSeconds:0.00} | {cell.Exact} | {failed} | {cell.CpuSeconds:0.00} | {cell.PeakMemoryMiB:0.0} | {cell.PeakDescriptors} |"));
        }

        foreach (IGrouping<(string Link, int Clients), FleetCell> group in cells.GroupBy(c => (c.Link, c.Clients)))
        {
            FleetCell? fastest = group.Where(c => c.Failed == 0).MinBy(c => c.Seconds);
            FleetCell? typical = group.Where(c => c.Failed == 0).MinBy(c => c.MedianSeconds);
            text.AppendLine();
            text.Append(FormattableString.Invariant($"- {group.Key.Link}, {group.Key.Clients} clients: "));
            text.Append(fastest is null || typical is null ? "no server served every client."
                : FormattableString.Invariant($"first to serve every client: {fastest.Server} ({fastest.Seconds:0.00} s); ")
                    + FormattableString.Invariant($"lowest median client: {typical.Server} ({typical.MedianSeconds:0.00} s)."));
        }

        text.AppendLine();
        return text.ToString();
    }

    /// <summary>A server of the benchmark: where it listens, its process, and what stops it.</summary>
    private sealed record RunningServer(IPEndPoint EndPoint, int ProcessId, IDisposable Owner) : IDisposable
    {
        public void Dispose() => Owner.Dispose();
    }

    private sealed class Stopper(Process process) : IDisposable
    {
        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit(5000);
            process.Dispose();
        }
    }

    /// <summary>A destination that keeps only the SHA-256 of what it is given.</summary>
    private sealed class HashingStream : WriteOnlyStream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _length;

        public override long Length => _length;

        public bool Matches(byte[] expected, long length) => _length == length && _hash.GetHashAndReset().AsSpan().SequenceEqual(expected);

        public override void Write(byte[] buffer, int offset, int count)
        {
            _hash.AppendData(buffer, offset, count);
            _length += count;
        }

        public override void Flush()
        {
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// Samples a process and its descendants every 50 ms: the largest sum of their proportional memory,
    /// the CPU time each descendant had when last seen, and at the end the CPU time of the process with
    /// its children's.
    /// </summary>
    private sealed class TreeSampler : IDisposable
    {
        private readonly int _root;
        private readonly Timer _timer;
        private readonly Dictionary<int, long> _descendantTicks = [];
        private long _peakPssKib;
        private int _peakDescriptors;

        public TreeSampler(int root)
        {
            _root = root;
            _timer = new Timer(_ => Sample(), null, 0, 50);
        }

        public long PeakPssKib => Interlocked.Read(ref _peakPssKib);

        /// <summary>Gets the most descriptors the server's own process held at once.</summary>
        public int PeakDescriptors => Volatile.Read(ref _peakDescriptors);

        public double CpuSeconds()
        {
            Sample();
            long[] own = Ticks(_root);
            long descendants;
            lock (_descendantTicks)
            {
                descendants = _descendantTicks.Values.Sum();
            }

            // Children that were waited for are in the process's own count (cutime, cstime); those of a
            // server that ignores SIGCHLD only in what was sampled of them. Never both.
            return own.Length < 4 ? -1 : (own[0] + own[1] + Math.Max(own[2] + own[3], descendants)) / 100.0;
        }

        public void Dispose() => _timer.Dispose();

        private void Sample()
        {
            int[] tree = Tree(_root).ToArray();
            long total = tree.Sum(pid => Proportional(pid));
            lock (_descendantTicks)
            {
                foreach (int pid in tree.Skip(1))
                {
                    long[] ticks = Ticks(pid);
                    if (ticks.Length == 4)
                    {
                        _descendantTicks[pid] = Math.Max(_descendantTicks.GetValueOrDefault(pid), ticks[0] + ticks[1]);
                    }
                }
            }

            int descriptors = SafeCount($"/proc/{_root}/fd");
            int most;
            while (descriptors > (most = Volatile.Read(ref _peakDescriptors)) && Interlocked.CompareExchange(ref _peakDescriptors, descriptors, most) != most)
            {
            }

            long peak;
            while (total > (peak = Interlocked.Read(ref _peakPssKib)) && Interlocked.CompareExchange(ref _peakPssKib, total, peak) != peak)
            {
            }
        }

        private static IEnumerable<int> Tree(int pid)
        {
            yield return pid;
            string[] tasks = Directory.Exists($"/proc/{pid}/task") ? SafeList($"/proc/{pid}/task") : [];
            foreach (string task in tasks)
            {
                foreach (string child in (Read(Path.Combine(task, "children")) ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    foreach (int descendant in Tree(int.Parse(child, CultureInfo.InvariantCulture)))
                    {
                        yield return descendant;
                    }
                }
            }
        }

        // utime, stime, cutime and cstime: fields 14 to 17 of /proc/PID/stat, in ticks of 1/100 s (USER_HZ);
        // the name in field 2 may hold spaces, so fields are counted after its ')'.
        private static long[] Ticks(int pid)
        {
            string[] fields = Read($"/proc/{pid}/stat")?.Split(')').Last().Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
            return fields.Length < 15 ? [] : fields[11..15].Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        }

        private static long Proportional(int pid)
        {
            string? line = Read($"/proc/{pid}/smaps_rollup")?.Split('\n').FirstOrDefault(l => l.StartsWith("Pss:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }

        private static int SafeCount(string folder)
        {
            try
            {
                return Directory.GetFileSystemEntries(folder).Length;
            }
            catch (IOException)
            {
                return 0;
            }
        }

        private static string[] SafeList(string folder)
        {
            try
            {
                return Directory.GetDirectories(folder);
            }
            catch (IOException)
            {
                return [];
            }
        }

        private static string? Read(string file)
        {
            try
            {
                return File.ReadAllText(file);
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
        }
    }
}
