using System.Net;
using TftpNano.Host.Server;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.Interop;

/// <summary>
/// The embedded server against real clients: curl, atftp and tftp-hpa.
/// </summary>
public sealed class ClientInteropTests : IDisposable
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(60);
    private readonly Workspace _workspace = new();
    private readonly string _served;
    private readonly string _received;
    private readonly TftpServer _server;

    public ClientInteropTests()
    {
        _served = _workspace.Folder("served");
        _received = _workspace.Folder("received");
        foreach (long size in Sizes)
        {
            TestContent.WriteFile(_served, Name(size), size, (int)size);
        }

        _server = new TftpServer(_served, new IPEndPoint(IPAddress.Loopback, 0));
        _server.Start();
    }

    public static readonly long[] Sizes = [0, 513, 3 * 1024 * 1024];

    public static TheoryData<long> SizeCases => new(Sizes);

    // curl 7.88 (Debian 12) fails every 0-byte TFTP download, from tftpd-hpa just the same.
    public static TheoryData<long> CurlSizeCases => new(Sizes.Where(s => s > 0));

    private string Port => _server.LocalEndPoint.Port.ToString();

    [PeerTheory(Peers.Curl)]
    [MemberData(nameof(CurlSizeCases))]
    public void Curl(long size)
    {
        string output = Path.Combine(_received, "curl-" + Name(size));
        Run(Peers.Curl, ["--silent", "--show-error", "--max-time", "60", "-o", output, $"tftp://127.0.0.1:{Port}/{Name(size)}"]);
        AssertSame(size, output);
    }

    [PeerTheory(Peers.Curl)]
    [MemberData(nameof(CurlSizeCases))]
    public void CurlWithLargeBlocks(long size)
    {
        string output = Path.Combine(_received, "curl-blk-" + Name(size));
        Run(Peers.Curl, ["--silent", "--show-error", "--max-time", "60", "--tftp-blksize", "1468", "-o", output,
            $"tftp://127.0.0.1:{Port}/{Name(size)}"]);
        AssertSame(size, output);
        Assert.Equal(1468, Record(Name(size)).BlockSize);
    }

    [PeerTheory(Peers.Atftp)]
    [MemberData(nameof(SizeCases))]
    public void AtftpWindowed(long size)
    {
        string output = Path.Combine(_received, "atftp-" + Name(size));
        Run(Peers.Atftp, ["--option", "blksize 1468", "--option", "windowsize 8", "--get", "-r", Name(size), "-l", output, "127.0.0.1", Port]);
        AssertSame(size, output);
        TransferRecord record = Record(Name(size));
        Assert.Equal(1468, record.BlockSize);
        Assert.Equal(8, record.WindowSize);
    }

    [PeerTheory(Peers.TftpHpa)]
    [MemberData(nameof(SizeCases))]
    public void TftpHpa(long size)
    {
        string output = Path.Combine(_received, "tftp-" + Name(size));
        Run(Peers.TftpHpa, ["-m", "binary", "127.0.0.1", Port, "-c", "get", Name(size), output]);
        AssertSame(size, output);
    }

    [PeerFact(Peers.TftpHpa)]
    public void WriteRequestsAreRefused()
    {
        string upload = TestContent.WriteFile(_received, "upload.bin", 100);
        ProcessResult result = ProcessRunner.Run(Peers.Require(Peers.TftpHpa), ["-m", "binary", "127.0.0.1", Port, "-c", "put", upload, "upload.bin"],
            ClientTimeout);
        Assert.Contains("Error code 2", result.StandardOutput + result.StandardError);
        Assert.False(File.Exists(Path.Combine(_served, "upload.bin")));
    }

    [PeerFact(Peers.Curl)]
    public void PathsOutsideTheFolderAreRefused()
    {
        string secret = TestContent.WriteFile(_workspace.Root, "secret.bin", 10);
        File.CreateSymbolicLink(Path.Combine(_served, "link.bin"), secret);
        foreach (string name in new[] { "%2E%2E/secret.bin", "link.bin", Uri.EscapeDataString(secret) })
        {
            string output = Path.Combine(_received, "refused.bin");
            ProcessResult result = ProcessRunner.Run(Peers.Require(Peers.Curl), ["--silent", "--show-error", "-o", output,
                $"tftp://127.0.0.1:{Port}/{name}"], ClientTimeout);
            // 69 is CURLE_TFTP_PERM: the server answered ERROR 2, access violation. (curl 7.88 prints a
            // misleading getpeername() message instead of the server's, so the exit code is what counts.)
            Assert.True(result.ExitCode == 69, $"{name}: curl exited with {result.ExitCode}: {result.StandardError}");
        }
    }

    public void Dispose()
    {
        _server.Dispose();
        _workspace.Dispose();
    }

    private static string Name(long size) => $"image-{size}.bin";

    private static void Run(string peer, string[] arguments)
    {
        ProcessResult result = ProcessRunner.Run(Peers.Require(peer), arguments, ClientTimeout);
        Assert.True(result.ExitCode == 0, $"{peer} exited with {result.ExitCode}: {result.StandardError}{result.StandardOutput}");
    }

    private void AssertSame(long size, string output)
    {
        Assert.True(File.Exists(output), $"{output} was not written");
        Assert.Equal(File.ReadAllBytes(Path.Combine(_served, Name(size))), File.ReadAllBytes(output));
    }

    private TransferRecord Record(string name)
    {
        Assert.True(_server.WaitForFinishedTransfers(1, TimeSpan.FromSeconds(10)));
        return Assert.Single(_server.FinishedTransfers, r => r.FileName == name && r.Completed);
    }
}
