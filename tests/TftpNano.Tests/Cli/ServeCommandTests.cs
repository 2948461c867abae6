using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TftpNano.Cli.Net;
using TftpNano.Host.Net;
using TftpNano.Protocol;
using TftpNano.Tests.Support;
using TftpNano.Transfer;

namespace TftpNano.Tests.Cli;

/// <summary>
/// <c>tftpnano serve</c> as a process, facing what a LAN can send it.
/// </summary>
public sealed class ServeCommandTests : IDisposable
{
    private readonly Workspace _workspace = new();

    [Fact]
    public void AFloodOfRequestsUnderALowFileLimitLeavesTheServerUpAndServingLaterClients()
    {
        // 300 requests from 300 ports, none of which ever acknowledges, with room for only 24 more open
        // files than the idle server holds: every unlimited transfer took a socket, a file and a thread,
        // and the process aborted ("Out of memory."). Now the caps hold (8 transfers per client address),
        // a request that finds no room is answered "Server busy.", a silent client's transfer gives up
        // within its retries, and a client on another address is served meanwhile.
        string folder = _workspace.Folder("served");
        byte[] image = TestContent.Create(100_000, 5);
        File.WriteAllBytes(Path.Combine(folder, "image.bin"), image);
        int port = FreeUdpPort();
        string tool = Path.Combine(AppContext.BaseDirectory, "tftpnano.dll");
        using Process serve = ProcessRunner.Start("dotnet", [tool, "serve", folder, "--address", "127.0.0.1", "--port", port.ToString()]);
        var server = new IPEndPoint(IPAddress.Loopback, port);
        var flood = new List<Socket>();
        try
        {
            WaitUntilServing(serve, server);
            LimitOpenFiles(serve, Directory.GetFiles($"/proc/{serve.Id}/fd").Length + 24);
            long rssBefore = ResidentKilobytes(serve);
            byte[] request = new byte[64];
            int length = TftpPacket.WriteRequest(request, TftpOpcode.ReadRequest, "image.bin",
                new TftpOptions { BlockSize = 512, TimeoutSeconds = 255 });
            for (int i = 0; i < 300; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                socket.SendTo(request.AsSpan(0, length), server);
                flood.Add(socket);
            }

            Thread.Sleep(500);
            Assert.False(serve.HasExited, "serve died under the flood");
            Assert.Contains(flood, s => s.Available > 0 && IsBusy(s));

            // Another client, on another loopback address, is served (asking again while it is told "busy").
            var watch = Stopwatch.StartNew();
            byte[]? received = null;
            while (received is null && watch.Elapsed < TimeSpan.FromSeconds(60))
            {
                var destination = new MemoryStream();
                try
                {
                    new TftpDownload(new BoundTransports(IPAddress.Parse("127.0.0.2")), new TftpDownloadSettings { WindowSize = 4 })
                        .Run(server, "image.bin", destination);
                    received = destination.ToArray();
                }
                catch (TftpException e) when (e.Failure == TftpFailure.RemoteError)
                {
                    Thread.Sleep(1000);
                }
            }

            Assert.False(serve.HasExited, "serve died under the flood");
            Assert.Equal(image, received);
            long rssAfter = ResidentKilobytes(serve);
            Assert.True(rssAfter - rssBefore < 64 * 1024, $"RSS grew from {rssBefore} KB to {rssAfter} KB");
        }
        finally
        {
            flood.ForEach(s => s.Dispose());
            serve.Kill(entireProcessTree: true);
            serve.WaitForExit();
        }
    }

    [Fact]
    public void RequestedNamesAreLoggedEscaped()
    {
        // A name is the client's text: raw, its escape sequences and line breaks would forge log lines.
        string folder = _workspace.Folder("served");
        int port = FreeUdpPort();
        using Process serve = ProcessRunner.Start("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "tftpnano.dll"), "serve", folder, "--address", "127.0.0.1", "--port", port.ToString()]);
        try
        {
            var server = new IPEndPoint(IPAddress.Loopback, port);
            WaitUntilServing(serve, server);
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            byte[] request = [0, 1, .. "evil\u001b[2J\nroot: sent everything"u8, 0, .. "octet"u8, 0];
            client.SendTo(request, server);
            Assert.True(client.Poll(TimeSpan.FromSeconds(5), SelectMode.SelectRead), "no answer");

            string line = ReadLineContaining(serve, "evil");
            Assert.Contains(@"evil\x1b[2J\x0aroot: sent everything 0 bytes in ", line);
            Assert.EndsWith(": failed: File not found.", line, StringComparison.Ordinal);
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            serve.WaitForExit();
        }
    }

    [PeerFact(Peers.Root)]
    public void ServesBothStacksFromItsPortRangeAsAnotherUserAndLogsEachTransfer()
    {
        string folder = _workspace.Folder("served");
        File.WriteAllBytes(Path.Combine(folder, "fw.bin"), TestContent.Create(100, 21));
        int port = FreeUdpPort();
        int first = FreeUdpPort();
        using Process serve = ProcessRunner.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "tftpnano.dll"), "serve", folder,
            "--address", "::", "--port", port.ToString(), "--port-range", $"{first}:{first + 9}", "--user", "nobody"]);
        try
        {
            WaitUntilServing(serve, new IPEndPoint(IPAddress.Loopback, port));

            // The answer that ended the wait may come from another test's server that took the same free
            // port a moment earlier (the transfers below come from this one's port range only), so the
            // drop of privileges is awaited, not assumed done.
            string Status() => File.ReadAllText($"/proc/{serve.Id}/status");
            Poll.Until(() => Status().Contains("Uid:\t65534\t65534\t65534\t65534", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
            Assert.Contains("Uid:\t65534\t65534\t65534\t65534", Status());
            foreach (IPAddress address in new[] { IPAddress.Loopback, IPAddress.IPv6Loopback })
            {
                // The first DATA comes from the transfer's port, which must lie in the range.
                using var client = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                client.Bind(new IPEndPoint(address, 0));
                byte[] request = [0, 1, .. "fw.bin"u8, 0, .. "octet"u8, 0];
                client.SendTo(request, new IPEndPoint(address, port));
                byte[] data = new byte[600];
                EndPoint from = new IPEndPoint(address, 0);
                client.ReceiveTimeout = 10_000;
                int length = client.ReceiveFrom(data, ref from);
                Assert.Equal((byte)TftpOpcode.Data, data[1]);
                Assert.InRange(((IPEndPoint)from).Port, first, first + 9);
                client.SendTo(new byte[] { 0, 4, 0, 1 }, from);
                Assert.Equal(100 + 4, length);
            }

            string line = ReadLineContaining(serve, "fw.bin");
            Assert.Matches(@"^\S+ fw\.bin 100 bytes in \d+\.\d\d s: complete$", line);
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            serve.WaitForExit();
        }
    }

    [Fact]
    public void TheSystemdUnitsCommandLineServes()
    {
        // docs/tftpnano.service's ExecStart, with a folder and ports of this test's own.
        string unit = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "tftpnano.service"));
        string[] arguments = unit.Split('\n').Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..].Split(' ')[1..];
        string folder = _workspace.Folder("served");
        int port = FreeUdpPort();
        int first = FreeUdpPort();
        for (int i = 0; i < arguments.Length; i++)
        {
            arguments[i] = arguments[i] switch
            {
                "/srv/tftp" => folder,
                "69" => port.ToString(),
                "50000:50999" => $"{first}:{first + 9}",
                string other => other,
            };
        }

        using Process serve = ProcessRunner.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "tftpnano.dll"), .. arguments]);
        try
        {
            WaitUntilServing(serve, new IPEndPoint(IPAddress.IPv6Loopback, port));
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            serve.WaitForExit();
        }
    }

    private static string ReadLineContaining(Process process, string text)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            Task<string?> next = process.StandardOutput.ReadLineAsync();
            if (!next.Wait(TimeSpan.FromSeconds(10)) || next.Result is null)
            {
                break;
            }

            if (next.Result.Contains(text, StringComparison.Ordinal))
            {
                return next.Result;
            }
        }

        Assert.Fail($"serve logged no line with '{text}'");
        return "";
    }

    public void Dispose() => _workspace.Dispose();

    private static bool IsBusy(Socket socket)
    {
        byte[] reply = new byte[128];
        int length = socket.Receive(reply);
        return TftpPacket.ReadOpcode(reply, length) == TftpOpcode.Error
            && TftpPacket.ReadError(reply, length, out string message) == TftpErrorCode.NotDefined && message == "Server busy.";
    }

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private static void WaitUntilServing(Process serve, IPEndPoint server)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (serve.HasExited)
            {
                Assert.Fail("serve exited: " + serve.StandardError.ReadToEnd());
            }

            try
            {
                new TftpDownload(HostUdpTransportFactory.Instance, new TftpDownloadSettings { InitialTimeoutMs = 200, MaxRetries = 1 })
                    .Run(server, "absent", Stream.Null);
            }
            catch (TftpException e) when (e.Failure == TftpFailure.RemoteError)
            {
                return;
            }
            catch (TftpException)
            {
            }
        }

        Assert.Fail("serve did not answer within 30 s");
    }

    private static void LimitOpenFiles(Process process, int limit)
    {
        ProcessResult result = ProcessRunner.Run("prlimit", [$"--pid={process.Id}", $"--nofile={limit}:{limit}"], TimeSpan.FromSeconds(10));
        Assert.True(result.ExitCode == 0, "prlimit: " + result.StandardError);
    }

    private static long ResidentKilobytes(Process process)
    {
        string line = File.ReadLines($"/proc/{process.Id}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
    }
}
