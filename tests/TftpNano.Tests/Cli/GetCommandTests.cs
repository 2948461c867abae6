using System.Net;
using System.Net.Sockets;
using TftpNano.Host.Server;
using TftpNano.Protocol;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.Cli;

/// <summary>
/// <c>tftpnano get</c> as a user runs it: a separate process, its exit code, its one line on stderr,
/// and the files it leaves behind.
/// </summary>
public sealed class GetCommandTests : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private readonly Workspace _workspace = new();
    private readonly string _output;

    public GetCommandTests()
    {
        _output = _workspace.Folder("output");
    }

    public void Dispose() => _workspace.Dispose();

    internal static ProcessResult Tftpnano(string workingDirectory, params string[] arguments) =>
        ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "tftpnano.dll"), .. arguments], CommandTimeout, workingDirectory);

    [Fact]
    public void DownloadsToTheRemoteNameInTheCurrentFolder()
    {
        using var server = new EmbeddedServer();
        server.AddFile("firmware.bin", 100_000, seed: 3);
        ProcessResult result = Tftpnano(_output, "get", $"tftp://127.0.0.1:{server.EndPoint.Port}/firmware.bin");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("", result.StandardError);
        Assert.Equal(TestContent.Create(100_000, 3), File.ReadAllBytes(Path.Combine(_output, "firmware.bin")));
        Assert.Single(Directory.GetFiles(_output));
    }

    [Fact]
    public void WritesToStandardOutputWithDash()
    {
        using var server = new EmbeddedServer();
        server.AddFile("a.bin", 5000, seed: 4);
        ProcessResult result = Tftpnano(_output, "get", $"tftp://127.0.0.1:{server.EndPoint.Port}/a.bin", "-o", "-", "--no-options");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(TestContent.Create(5000, 4), result.StandardOutputBytes);
    }

    [Fact]
    public void MissingFileExitsWithTheServerErrorAndLeavesNoFile()
    {
        using var server = new EmbeddedServer();
        ProcessResult result = Tftpnano(_output, "get", $"tftp://127.0.0.1:{server.EndPoint.Port}/absent.bin");

        Assert.Equal(68, result.ExitCode);
        string line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("TFTP error 1 (file not found)", line);
        Assert.Empty(Directory.GetFileSystemEntries(_output));
    }

    [Fact]
    public void FailureMidTransferKeepsThePreviousFileAndLeavesNoPartialOne()
    {
        using var server = new EmbeddedServer(new FaultScript
        {
            OnSend = p => p.Opcode == TftpOpcode.Data && p.Block == 20 ? FaultAction.FailTransfer : FaultAction.Send,
        });
        server.AddFile("image.bin", 100_000);
        string previous = Path.Combine(_output, "image.bin");
        File.WriteAllText(previous, "the image that was there before");

        ProcessResult result = Tftpnano(_output, "get", $"tftp://127.0.0.1:{server.EndPoint.Port}/image.bin", "-o", "image.bin");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Scripted failure.", result.StandardError);
        Assert.Equal("the image that was there before", File.ReadAllText(previous));
        Assert.Single(Directory.GetFileSystemEntries(_output));
    }

    [Fact]
    public void SilentServerFailsInBoundedTimeWithATimeout()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)silent.LocalEndPoint!).Port;

        ProcessResult result = Tftpnano(_output, "get", $"tftp://127.0.0.1:{port}/x.bin", "--timeout-ms", "50", "--retries", "2");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains($"No answer from 127.0.0.1:{port} for 'x.bin' at the request after 3 timeouts", result.StandardError);
        Assert.Empty(Directory.GetFileSystemEntries(_output));
    }

    [Theory]
    [InlineData("http://127.0.0.1/x.bin")]
    [InlineData("tftp://127.0.0.1/")]
    [InlineData("not a url")]
    public void BadAddressesAreUsageErrors(string url)
    {
        ProcessResult result = Tftpnano(_output, "get", url);
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [PeerFact(Peers.TftpdHpa)]
    public void DownloadsFromTftpdHpa()
    {
        string served = _workspace.Folder("served");
        string file = TestContent.WriteFile(served, "boot.img", 1_000_000, seed: 9);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, (UnixFileMode)0x1A4);
        }

        using PeerServer tftpd = PeerServer.Start(Peers.TftpdHpa, served, _workspace.Root);
        ProcessResult result = Tftpnano(_output, "get", $"tftp://127.0.0.1:{tftpd.EndPoint.Port}/boot.img", "-o", "boot.img");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(_output, "boot.img")));
    }
}
