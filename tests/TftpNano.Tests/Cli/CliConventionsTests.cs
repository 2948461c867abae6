using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TftpNano.Host.Relay;
using TftpNano.Host.Server;
using TftpNano.Host.Update;
using TftpNano.Protocol;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.Cli;

/// <summary>
/// The host tool's promises to terminals and scripts, each run as a separate process: exit codes,
/// one line on standard error, what a signal, a closed pipe or a limit does to a transfer, and what
/// is left on disk.
/// </summary>
public sealed class CliConventionsTests : IDisposable
{
    private readonly Workspace _workspace = new();
    private readonly string _output;

    public CliConventionsTests()
    {
        _output = _workspace.Folder("output");
    }

    public void Dispose() => _workspace.Dispose();

    private static string Tool => Path.Combine(AppContext.BaseDirectory, "tftpnano.dll");

    private ProcessResult Tftpnano(params string[] arguments) => GetCommandTests.Tftpnano(_output, arguments);

    [Theory]
    [InlineData("get --blksize 5 tftp://127.0.0.1/a.bin", "--blksize must be from 8 to 65464, not 5.", "tftpnano get --help")]
    [InlineData("get --bogus tftp://127.0.0.1/a.bin", "--bogus is not an option of get.", "tftpnano get --help")]
    [InlineData("get", "Required argument missing for command: 'get'.", "tftpnano get --help")]
    [InlineData("fetch tftp://127.0.0.1/a.bin", "'fetch' is not a command.", "tftpnano --help")]
    public void AMistakeOnTheCommandLineIsOneLineAndAHintOnStandardErrorAndExit2(string arguments, string message, string hint)
    {
        ProcessResult result = Tftpnano(arguments.Split(' '));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.StandardOutput);
        Assert.Equal([$"tftpnano: {message}", $"Try '{hint}'."], Lines(result.StandardError));
    }

    [Fact]
    public void BadManifestArgumentsAreUsageErrorsNamingWhatIsWrong()
    {
        string channel = _workspace.Folder("channel");
        File.WriteAllText(Path.Combine(channel, "a.pe"), "a");
        ProcessResult version = Tftpnano("manifest", channel, "--channel", "fw", "--version", "1.x", "--entry", "A.B.C");
        ProcessResult order = Tftpnano("manifest", channel, "--channel", "fw", "--version", "1.0", "--entry", "A.B.C", "--order", "b.pe");

        Assert.Equal((2, 2), (version.ExitCode, order.ExitCode));
        Assert.Equal(["tftpnano: '1.x' is not a version (one to four numbers separated by dots)."], Lines(version.StandardError));
        Assert.Equal([$"tftpnano: --order names b.pe, which is not in {channel}."], Lines(order.StandardError));
    }

    [Fact]
    public void AClosedPipeStopsTheTransferTellsTheServerAndExits23()
    {
        using var server = new EmbeddedServer();
        server.AddFile("big.bin", 20_000_000, seed: 5);

        // As `tftpnano get URL -o - | head -c 10` in a shell: the reader goes away after 10 bytes.
        ProcessResult result = ProcessRunner.Run("bash", ["-c",
            $"dotnet '{Tool}' get tftp://127.0.0.1:{server.EndPoint.Port}/big.bin -o - 2>'{_output}/err' | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}"],
            TimeSpan.FromSeconds(60), _output);

        Assert.Equal("23", result.StandardOutput.Trim());
        Assert.Contains("Writing 'big.bin' failed", File.ReadAllText(Path.Combine(_output, "err")));
        TransferRecord record = WaitForRecord(server);
        Assert.False(record.Completed);
        Assert.True(record.BytesAcknowledged < 20_000_000, $"{record.BytesAcknowledged} bytes acknowledged");
    }

    [Theory]
    [InlineData("TERM", 143)]
    [InlineData("INT", 130)]
    public void ASignalStopsTheTransferTellsTheServerAndLeavesNoFile(string signal, int exitCode)
    {
        using var server = new EmbeddedServer();
        server.AddFile("image.bin", 3_000_000, seed: 6);
        LinkProfile slow = LinkProfile.Parse("rate=2Mbit");
        using var relay = new LinkEmulator(server.EndPoint, slow, slow, seed: 1);
        relay.Start();

        using Process get = ProcessRunner.Start("dotnet", [Tool, "get", $"tftp://127.0.0.1:{relay.LocalEndPoint.Port}/image.bin", "-o", "image.bin"], _output);
        string partial = Path.Combine(_output, ".image.bin.part");
        var clock = Stopwatch.StartNew();
        while (!(File.Exists(partial) && new FileInfo(partial).Length > 100_000) && !get.HasExited && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            Thread.Sleep(10);
        }

        Assert.False(get.HasExited, "the download ended before it could be stopped");
        Assert.Equal(0, ProcessRunner.Run("kill", [$"-{signal}", get.Id.ToString()], TimeSpan.FromSeconds(10)).ExitCode);
        Assert.True(get.WaitForExit(TimeSpan.FromSeconds(20)));

        Assert.Equal(exitCode, get.ExitCode);
        Assert.Contains(signal == "TERM" ? "tftpnano: terminated" : "tftpnano: interrupted", get.StandardError.ReadToEnd());
        Assert.Empty(Directory.GetFileSystemEntries(_output));
        Assert.Contains("canceled", WaitForRecord(server).Failure ?? "", StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void APartialFileOfAKilledRunIsReplacedByTheNextRun()
    {
        using var server = new EmbeddedServer();
        server.AddFile("fw.bin", 50_000, seed: 7);
        File.WriteAllText(Path.Combine(_output, ".fw.bin.part"), "left by a run that was killed");

        ProcessResult result = Tftpnano("get", $"tftp://127.0.0.1:{server.EndPoint.Port}/fw.bin");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(["fw.bin"], Directory.GetFileSystemEntries(_output).Select(Path.GetFileName));
    }

    [Fact]
    public void StatusOfAMistypedFolderCreatesNothing()
    {
        string typo = Path.Combine(_workspace.Root, "no-such-card");
        ProcessResult result = Tftpnano("status", "--root", typo);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"tftpnano: --root {typo}: there is no such folder."], Lines(result.StandardError));
        Assert.False(Directory.Exists(typo));
    }

    [Fact]
    public void Rfc3617ModeIsStrippedAndADoubleSlashAsksForAnAbsoluteName()
    {
        using var server = new EmbeddedServer();
        server.AddFile("boot.bin", 2000, seed: 8);
        ProcessResult octet = Tftpnano("get", $"tftp://127.0.0.1:{server.EndPoint.Port}/boot.bin;mode=octet");
        ProcessResult absolute = Tftpnano("get", $"tftp://127.0.0.1:{server.EndPoint.Port}//srv/boot.bin", "-o", "abs.bin");
        ProcessResult netascii = Tftpnano("get", $"tftp://127.0.0.1:{server.EndPoint.Port}/boot.bin;mode=netascii");

        Assert.True(octet.ExitCode == 0, octet.StandardError);
        Assert.Equal(TestContent.Create(2000, 8), File.ReadAllBytes(Path.Combine(_output, "boot.bin")));
        Assert.Equal(69, absolute.ExitCode);
        Assert.Contains(server.Server.FinishedTransfers, t => t.FileName == "/srv/boot.bin");
        Assert.Equal(2, netascii.ExitCode);
    }

    [Fact]
    public void AChannelAtTheServersRootIsReachableFromUpdate()
    {
        using var server = new EmbeddedServer();
        server.AddFile("App.pe", 3000, seed: 14);
        TftpNano.Host.Update.ReleasePublisher.Publish(server.Folder, "/", "1.0", "App.Program.Main", [], privateKeyPath: null);
        string card = _workspace.Folder("card");

        ProcessResult result = Tftpnano("update", $"tftp://127.0.0.1:{server.EndPoint.Port}/", "--root", card);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.StartsWith("installed 1.0", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void AClosedPortFailsAtOnceNamingTheServer()
    {
        // A port nobody listens on: the host answers ICMP port unreachable. With 100 retries of a
        // minute each, only that answer can end the command within the test's limit.
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        ProcessResult result = Tftpnano("get", $"tftp://127.0.0.1:{port}/x.bin", "--timeout-ms", "60000", "--retries", "100");

        Assert.Equal(4, result.ExitCode);
        Assert.Equal([$"tftpnano: no TFTP server at 127.0.0.1:{port}: the host answered that nothing listens on that port."], Lines(result.StandardError));
    }

    [Fact]
    public void AServersErrorTextReachesTheTerminalEscaped()
    {
        // A server whose ERROR message carries a colour sequence, a carriage return and a line feed, to
        // the request with options and to the plain one a client falls back to.
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        server.ReceiveTimeout = 1_000;
        using var stop = new CancellationTokenSource();
        var answer = new Thread(() =>
        {
            byte[] request = new byte[600];
            byte[] error = [0, 5, 0, 0, .. System.Text.Encoding.ASCII.GetBytes("\u001b[32mdownload complete\r\n100% verified"), 0];
            for (int i = 0; i < 30 && !stop.IsCancellationRequested; i++)
            {
                EndPoint client = new IPEndPoint(IPAddress.Any, 0);
                try
                {
                    server.ReceiveFrom(request, ref client);
                    server.SendTo(error, client);
                }
                catch (SocketException)
                {
                }
            }
        });
        answer.Start();

        ProcessResult result = Tftpnano("get", $"tftp://127.0.0.1:{((IPEndPoint)server.LocalEndPoint!).Port}/x.bin");
        stop.Cancel();
        answer.Join();

        Assert.Equal(3, result.ExitCode);
        string line = Assert.Single(Lines(result.StandardError));
        Assert.Contains("\\x1b[32mdownload complete\\x0d\\x0a100% verified", line);
        Assert.DoesNotContain('\u001b', result.StandardError);
        Assert.DoesNotContain('\r', result.StandardError);
    }

    [Fact]
    public void MaxFilesizeStopsALargerFileWithExit63AndNoFile()
    {
        using var server = new EmbeddedServer();
        server.AddFile("endless.bin", 200_000, seed: 9);

        ProcessResult result = Tftpnano("get", $"tftp://127.0.0.1:{server.EndPoint.Port}/endless.bin", "--max-filesize", "50000");

        Assert.Equal(63, result.ExitCode);
        Assert.Equal(["tftpnano: The file is larger than --max-filesize 50000 bytes; the transfer was stopped."], Lines(result.StandardError));
        Assert.Empty(Directory.GetFileSystemEntries(_output));
        Assert.False(WaitForRecord(server).Completed);
    }

    [Fact]
    public void MaxTimeStopsTheCommandWithExit28()
    {
        using var server = new EmbeddedServer();
        server.AddFile("slow.bin", 3_000_000, seed: 10);
        LinkProfile slow = LinkProfile.Parse("rate=1Mbit");
        using var relay = new LinkEmulator(server.EndPoint, slow, slow, seed: 2);
        relay.Start();

        ProcessResult result = Tftpnano("get", $"tftp://127.0.0.1:{relay.LocalEndPoint.Port}/slow.bin", "--max-time", "1");

        Assert.Equal(28, result.ExitCode);
        Assert.Equal(["tftpnano: --max-time passed; the transfer was stopped and the server told."], Lines(result.StandardError));
        Assert.Empty(Directory.GetFileSystemEntries(_output));
    }

    [Fact]
    public void SeveralUrlsGoIntoAFolderAndEachTftpErrorHasItsExitCode()
    {
        using var server = new EmbeddedServer();
        server.AddFile("a.bin", 3000, seed: 11);
        server.AddFile("b.bin", 4000, seed: 12);
        string url = $"tftp://127.0.0.1:{server.EndPoint.Port}";

        ProcessResult both = Tftpnano("get", $"{url}/a.bin", $"{url}/b.bin", "-o", "into/", "-q");
        ProcessResult missing = Tftpnano("get", $"{url}/absent.bin");

        Assert.True(both.ExitCode == 0, both.StandardError);
        Assert.Equal("", both.StandardError);
        Assert.Equal(TestContent.Create(3000, 11), File.ReadAllBytes(Path.Combine(_output, "into", "a.bin")));
        Assert.Equal(TestContent.Create(4000, 12), File.ReadAllBytes(Path.Combine(_output, "into", "b.bin")));
        Assert.Equal(68, missing.ExitCode);
    }

    [Theory]
    [InlineData(40)]
    [InlineData(120)]
    public void TheProgressLineFitsTheTerminalAndEndsWithASummary(int columns)
    {
        using var server = new EmbeddedServer();
        server.AddFile("img.bin", 2_000_000, seed: 13);
        LinkProfile slow = LinkProfile.Parse("rate=20Mbit");
        using var relay = new LinkEmulator(server.EndPoint, slow, slow, seed: 3);
        relay.Start();

        // A pseudo-terminal of the given width, as util-linux's script makes one.
        string command = $"stty cols {columns} rows 24; dotnet '{Tool}' get tftp://127.0.0.1:{relay.LocalEndPoint.Port}/img.bin -o img.bin";
        ProcessResult result = ProcessRunner.Run("script", ["-q", "-e", "-c", command, "/dev/null"], TimeSpan.FromSeconds(60), _output);

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        string[] drawn = result.StandardOutput.Split('\r', '\n').Where(s => s.Trim().Length > 0).ToArray();
        Assert.True(drawn.Length >= 3, result.StandardOutput);
        Assert.All(drawn, line => Assert.True(line.Length < columns, $"'{line}' is {line.Length} wide"));
        Assert.Contains(drawn, line => line.Contains('%') && line.Contains("0:0", StringComparison.Ordinal));
        Assert.Matches(@"^saved img\.bin, 1\.9 MiB in \d+\.\d s, ", drawn[^1]);
    }

    [Fact]
    public void VerboseTracesEveryDatagram()
    {
        using var server = new EmbeddedServer();
        server.AddFile("t.bin", 3000, seed: 17);

        ProcessResult result = Tftpnano("get", $"tftp://127.0.0.1:{server.EndPoint.Port}/t.bin", "-v", "--blksize", "1024", "--windowsize", "1");

        Assert.True(result.ExitCode == 0, result.StandardError);
        string[] lines = Lines(result.StandardError);
        Assert.Matches(@"^> 127\.0\.0\.1:\d+ RRQ t\.bin octet blksize 1024 ", lines[0]);
        Assert.Matches(@"^< 127\.0\.0\.1:\d+ OACK blksize 1024 ", lines[1]);
        Assert.Contains(lines, l => l.EndsWith("DATA 3, 952 bytes", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("ACK 3", StringComparison.Ordinal));
    }

    [Fact]
    public void TheReadmesExitCodeTableIsTheToolsOwn()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        string table = readme[readme.IndexOf("Exit codes, for every command", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n\n", table.IndexOf("| --- |", StringComparison.Ordinal), StringComparison.Ordinal)];
        int[] documented = System.Text.RegularExpressions.Regex.Matches(table, @"^\| (\d+) \|", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        int[] constants = typeof(TftpNano.Cli.Commands.CliErrors).GetFields()
            .Where(f => f.IsLiteral && f.FieldType == typeof(int)).Select(f => (int)f.GetRawConstantValue()!).ToArray();
        int[] serverErrors = Enum.GetValues<TftpErrorCode>().Select(TftpNano.Cli.Commands.CliErrors.ForServerError).ToArray();
        Assert.Equal(constants.Concat(serverErrors).Append(1).Distinct().Order(), documented.Order());
    }

    [Fact]
    public void JsonIsOneObjectOnStandardOutputWithStableNames()
    {
        using var server = new EmbeddedServer();
        server.AddFile("App.pe", 3000, seed: 15);
        server.AddFile("data.bin", 10_000, seed: 16);
        string url = $"tftp://127.0.0.1:{server.EndPoint.Port}";
        TftpNano.Host.Update.ReleasePublisher.Publish(server.Folder, "/", "2.1", "App.Program.Main", [], privateKeyPath: null);
        string card = _workspace.Folder("card");

        ProcessResult get = Tftpnano("get", $"{url}/data.bin", "--json");
        ProcessResult update = Tftpnano("update", $"{url}/", "--root", card, "--json");
        ProcessResult status = Tftpnano("status", "--root", card, "--json", "--verify");

        Assert.Equal((0, 0, 0), (get.ExitCode, update.ExitCode, status.ExitCode));
        using var getJson = System.Text.Json.JsonDocument.Parse(Assert.Single(Lines(get.StandardOutput)));
        System.Text.Json.JsonElement download = Assert.Single(getJson.RootElement.GetProperty("downloads").EnumerateArray());
        Assert.Equal(10_000, download.GetProperty("bytes").GetInt64());
        Assert.Equal("data.bin", download.GetProperty("file").GetString());
        Assert.True(download.GetProperty("packets_received").GetInt64() > 0);
        using var updateJson = System.Text.Json.JsonDocument.Parse(Assert.Single(Lines(update.StandardOutput)));
        Assert.Equal("installed", updateJson.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("2.1", updateJson.RootElement.GetProperty("active_version").GetString());
        Assert.Equal(2, updateJson.RootElement.GetProperty("files_fetched").GetInt32());
        using var statusJson = System.Text.Json.JsonDocument.Parse(Assert.Single(Lines(status.StandardOutput)));
        Assert.Equal("2.1", statusJson.RootElement.GetProperty("version").GetString());
        Assert.False(statusJson.RootElement.GetProperty("confirmed").GetBoolean());
        Assert.True(statusJson.RootElement.GetProperty("verified").GetBoolean());
    }

    [Fact]
    public void CheckConfigReportsEveryProblemWithItsLineAsTheDeviceWould()
    {
        string shipped = Path.Combine(RepositoryPaths.Root, "boards", "m5stack-core2", "tftpnano.conf");
        string broken = Path.Combine(_output, "broken.conf");
        File.WriteAllText(broken, "server=010.0.0.1\nblksize=9000\npublickey=none\n");
        string good = Path.Combine(_output, "good.conf");
        File.WriteAllText(good, "server=10.0.0.1\nchannel=fw/stable\nstorage=sd-mmc\npublickey=none\n");

        ProcessResult asShipped = Tftpnano("check-config", shipped);
        ProcessResult twoMistakes = Tftpnano("check-config", broken);
        ProcessResult valid = Tftpnano("check-config", good);

        Assert.Equal((2, 2, 0), (asShipped.ExitCode, twoMistakes.ExitCode, valid.ExitCode));
        Assert.StartsWith($"{shipped}: Line 11: publickey is empty", Assert.Single(Lines(asShipped.StandardOutput)), StringComparison.Ordinal);
        Assert.Equal(
            [$"{broken}: Line 1: server must be an IPv4 address such as 192.168.1.10, not '010.0.0.1'.", $"{broken}: Line 2: blksize must be a whole number from 8 to 1468, not '9000'."],
            Lines(twoMistakes.StandardOutput));
        Assert.Equal([$"{good}: valid: server 10.0.0.1:69, channel fw/stable, releases in D:\\tftpnano, UNSIGNED releases accepted"], Lines(valid.StandardOutput));
    }

    [Theory]
    [InlineData("server=10.0.0.1\nroot=C:\\tftpnano\n", "root C:\\x5ctftpnano is not on I:, where storage=internal keeps releases.")]
    [InlineData("server=10.0.0.1\nroot=D:\\x\nstorage=internal\n", "root D:\\x5cx is not on I:, where storage=internal keeps releases.")]
    [InlineData("server=10.0.0.1\nroot=I:\\tftpnano\\..\\..\n", "Line 3: root must be a folder with its drive")]
    [InlineData("server=10.0.0.1\nchannel=../etc\n", "Line 3: channel: The channel '../etc' has an empty part, '..', or a '/' at an end.")]
    [InlineData("server=10.0.0.1\nchannel=a\\b\n", "Line 3: channel: The channel 'a\\x5cb' is not printable ASCII")]
    [InlineData("server=10.0.0.1\nchannel=fw//stable\n", "Line 3: channel: The channel 'fw//stable' has an empty part")]
    [InlineData("server=255.255.255.255\n", "Line 2: server must be the address of one host")]
    [InlineData("server=224.0.0.1\n", "Line 2: server must be the address of one host")]
    [InlineData("server=0.0.0.0\n", "Line 2: server must be the address of one host")]
    public void CheckConfigRefusesSettingsTheDeviceCouldNeverUse(string lines, string problem)
    {
        // The tool prints a problem as the device's parser words it, with its control characters and
        // backslashes escaped (\x5c).
        string file = Path.Combine(_output, "never.conf");
        File.WriteAllText(file, "publickey=none\n" + lines);

        ProcessResult result = Tftpnano("check-config", file);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(problem, result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void ManifestRefusesLinksFifosAndNamesThatAliasOnFatAndChangesNothing()
    {
        string channel = Directory.CreateDirectory(Path.Combine(_workspace.Folder("hostile"), "fw")).FullName;
        File.WriteAllText(Path.Combine(channel, "App.pe"), "one");
        string[] publish = ["manifest", channel, "--channel", "fw", "--version", "1.0", "--entry", "App.P.Main", "--unsigned"];

        // A link would publish whatever it names, the signing key included.
        string secret = TestContent.WriteFile(_workspace.Root, "fleet.pem", 100);
        File.CreateSymbolicLink(Path.Combine(channel, "passwd.pe"), secret);
        ProcessResult link = Tftpnano(publish);
        File.Delete(Path.Combine(channel, "passwd.pe"));

        Directory.CreateSymbolicLink(Path.Combine(channel, "beta"), _workspace.Root);
        ProcessResult folderLink = Tftpnano(publish);
        Directory.Delete(Path.Combine(channel, "beta"));

        // A FIFO would block the tool for ever on its open.
        Assert.Equal(0, ProcessRunner.Run("mkfifo", [Path.Combine(channel, "f.pe")], TimeSpan.FromSeconds(10)).ExitCode);
        ProcessResult fifo = Tftpnano(publish);
        File.Delete(Path.Combine(channel, "f.pe"));

        // FAT drops a trailing dot: on an SD card these are one file.
        File.WriteAllText(Path.Combine(channel, "a.bin"), "two");
        File.WriteAllText(Path.Combine(channel, "a.bin."), "three");
        ProcessResult alias = Tftpnano(publish);

        Assert.Equal((2, 2, 2, 2), (link.ExitCode, folderLink.ExitCode, fifo.ExitCode, alias.ExitCode));
        Assert.Contains("passwd.pe is a symbolic link", link.StandardError, StringComparison.Ordinal);
        Assert.Contains("beta is a symbolic link", folderLink.StandardError, StringComparison.Ordinal);
        Assert.Contains("f.pe is not a regular file", fifo.StandardError, StringComparison.Ordinal);
        Assert.Contains("'a.bin.' ends with a dot", alias.StandardError, StringComparison.Ordinal);
        Assert.Equal(["App.pe", "a.bin", "a.bin."], Directory.GetFileSystemEntries(channel).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ManifestRefusesToUnsignASignedChannelDryRunsAndReplacesTheFolderWhole()
    {
        string served = _workspace.Folder("served");
        string channel = Directory.CreateDirectory(Path.Combine(served, "fw")).FullName;
        string below = Directory.CreateDirectory(Path.Combine(channel, "beta")).FullName;
        File.WriteAllText(Path.Combine(below, "kept.txt"), "a channel below this one");
        File.WriteAllText(Path.Combine(channel, "App.pe"), "one");
        string key = Path.Combine(_workspace.Root, "fleet");
        Assert.Equal(0, Tftpnano("keygen", "--out", key, "--bits", "2048").ExitCode);
        Assert.Equal(0, Tftpnano("manifest", channel, "--channel", "fw", "--version", "1.0", "--entry", "App.P.Main", "--sign", key + ".pem").ExitCode);
        byte[] signedManifest = File.ReadAllBytes(Path.Combine(channel, "manifest"));

        File.WriteAllText(Path.Combine(channel, "App.pe"), "two");
        ProcessResult unsigned = Tftpnano("manifest", channel, "--channel", "fw", "--version", "1.1", "--entry", "App.P.Main");
        ProcessResult dry = Tftpnano("manifest", channel, "--channel", "fw", "--version", "1.1", "--entry", "App.P.Main", "--sign", key + ".pem", "--dry-run");
        ProcessResult meant = Tftpnano("manifest", channel, "--channel", "fw", "--version", "1.1", "--entry", "App.P.Main", "--unsigned");

        Assert.Equal(2, unsigned.ExitCode);
        Assert.Contains("holds a signed release", unsigned.StandardError);
        Assert.Equal(0, dry.ExitCode);
        Assert.Contains("would publish release 1.1", dry.StandardOutput);
        Assert.Contains("version 1.1", dry.StandardOutput);
        Assert.Equal(0, meant.ExitCode);
        Assert.NotEqual(signedManifest, File.ReadAllBytes(Path.Combine(channel, "manifest")));
        Assert.False(File.Exists(Path.Combine(channel, "manifest.sig")));
        Assert.Equal("a channel below this one", File.ReadAllText(Path.Combine(channel, "beta", "kept.txt")));
        Assert.Equal(["fw"], Directory.GetFileSystemEntries(served).Select(Path.GetFileName));
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    // The server records a transfer when its thread ends, which may be a moment after the client exits.
    private static TransferRecord WaitForRecord(EmbeddedServer server)
    {
        var clock = Stopwatch.StartNew();
        while (server.Server.FinishedTransfers.Count == 0 && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            Thread.Sleep(20);
        }

        return Assert.Single(server.Server.FinishedTransfers);
    }
}
