using TftpNano.Cli.Net;
using TftpNano.Host.Net;
using TftpNano.Tests.Support;
using TftpNano.Transfer;
using Xunit.Abstractions;

namespace TftpNano.Tests.Transfer;

/// <summary>
/// The engine allocates per transfer, never per block: a download ten times longer allocates the same.
/// </summary>
public class AllocationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1468, 16)]
    [InlineData(512, 1)]
    public void AllocationsDoNotGrowWithTheFileSize(int blockSize, int windowSize)
    {
        using var server = new EmbeddedServer();
        const long small = 3L * 1024 * 1024;
        const long large = 30L * 1024 * 1024;
        server.AddFile("small", small);
        server.AddFile("large", large);

        // A first run loads and JIT-compiles everything, so neither measured run pays for that.
        Measure(server, "small", blockSize, windowSize, small);
        long smallBytes = Measure(server, "small", blockSize, windowSize, small);
        long largeBytes = Measure(server, "large", blockSize, windowSize, large);

        output.WriteLine($"allocated: {smallBytes} bytes for 3 MiB, {largeBytes} bytes for 30 MiB");
        Assert.True(Math.Abs(largeBytes - smallBytes) < 1024,
            $"3 MiB allocated {smallBytes} bytes, 30 MiB {largeBytes} bytes");
    }

    private static long Measure(EmbeddedServer server, string name, int blockSize, int windowSize, long size)
    {
        var settings = new TftpDownloadSettings { BlockSize = blockSize, WindowSize = windowSize };
        var destination = new VerifyingStream();
        var download = new TftpDownload(HostUdpTransportFactory.Instance, settings);

        long before = GC.GetAllocatedBytesForCurrentThread();
        download.Run(server.EndPoint, name, destination);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(size, destination.Position);
        Assert.Equal(-1, destination.FirstMismatch);
        return allocated;
    }
}
