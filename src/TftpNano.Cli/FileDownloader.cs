using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TftpNano.Cli.Net;
using TftpNano.Host.Net;
using TftpNano.Transfer;

namespace TftpNano.Cli;

/// <summary>What a finished download did.</summary>
/// <param name="Bytes">Bytes written.</param>
/// <param name="Elapsed">Wall time from the request to the end of the linger.</param>
/// <param name="Transfer">The engine, with its negotiated options and counters.</param>
/// <param name="AllocatedBytes">Bytes the transfer allocated on the managed heap.</param>
internal sealed record DownloadResult(long Bytes, TimeSpan Elapsed, TftpDownload Transfer, long AllocatedBytes)
{
    /// <summary>Formats the counters as one line of key=value pairs, for people and for scripts.</summary>
    public string Describe()
    {
        TftpTransferStatistics s = Transfer.Statistics;
        return FormattableString.Invariant(
            $"bytes={Bytes} seconds={Elapsed.TotalSeconds:0.000} blksize={Transfer.BlockSize} windowsize={Transfer.WindowSize} ")
            + FormattableString.Invariant(
            $"blocks={s.BlocksWritten} sent={s.PacketsSent} received={s.PacketsReceived} timeouts={s.Timeouts} ")
            + FormattableString.Invariant(
            $"gap_acks={s.GapAcknowledgements} duplicates={s.DuplicateBlocks} stray={s.StrayPackets} srtt_ms={s.SmoothedRttMs} ")
            + FormattableString.Invariant($"server_timeout_ms={s.ServerTimeoutMs} slowest_write_ms={s.SlowestWriteMs} ")
            + FormattableString.Invariant(
            $"allocated={AllocatedBytes} peak_rss_kib={Process.GetCurrentProcess().PeakWorkingSet64 / 1024}");
    }
}

/// <summary>The file grew past <c>--max-filesize</c>.</summary>
internal sealed class FileTooLargeException(long limit) : IOException($"The file is larger than --max-filesize {limit} bytes; the transfer was stopped.");

/// <summary>The host said that nothing listens on the server's port (ICMP port unreachable).</summary>
internal sealed class NoServerException(IPEndPoint server, Exception inner)
    : Exception($"no TFTP server at {server}: the host answered that nothing listens on that port.", inner);

/// <summary>
/// Runs the download engine into a file or standard output, the way the host tool's users expect:
/// a failed download never leaves a truncated file under the final name, nor a partial one behind.
/// </summary>
internal static class FileDownloader
{
    private const int FileBufferSize = 64 * 1024;

    /// <summary>
    /// Downloads <paramref name="remote"/> from <paramref name="server"/>.
    /// </summary>
    /// <param name="server">The server's request endpoint.</param>
    /// <param name="remote">The remote file name.</param>
    /// <param name="output">The file to write, or null for standard output.</param>
    /// <param name="settings">Engine settings.</param>
    /// <param name="bar">The progress line, or null.</param>
    /// <param name="maxFileSize">The most bytes accepted, or null for no limit.</param>
    /// <param name="cancellation">Cancels the transfer.</param>
    /// <returns>What the download did.</returns>
    /// <param name="trace">Where to print every datagram, or null.</param>
    public static DownloadResult Download(IPEndPoint server, string remote, string? output, TftpDownloadSettings settings,
        ProgressBar? bar, long? maxFileSize, CancellationToken cancellation, TextWriter? trace = null)
    {
        IDatagramTransportFactory sockets = trace is null ? HostUdpTransportFactory.Instance : new TracingTransportFactory(HostUdpTransportFactory.Instance, trace);
        var download = new TftpDownload(sockets, settings);
        if (bar is not null)
        {
            download.Progress += (bytes, total) => bar.Update(bytes, total);
        }

        using CancellationTokenRegistration registration = cancellation.Register(download.Cancel);
        var clock = Stopwatch.StartNew();
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            long bytes = output is null
                ? RunToStandardOutput(download, server, remote, maxFileSize)
                : RunToFile(download, server, remote, output, maxFileSize);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            bar?.Update(bytes, download.TransferSize, force: true);
            return new DownloadResult(bytes, clock.Elapsed, download, allocated);
        }
        catch (TftpException e) when (e.Failure == TftpFailure.NetworkFailed
            && e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            throw new NoServerException(server, e);
        }
    }

    // File descriptor 1 as a plain file stream: .NET's console stream ignores EPIPE, and a reader
    // that went away (`| head -c 10`) must stop the transfer, not let it run to the end.
    private static long RunToStandardOutput(TftpDownload download, IPEndPoint server, string remote, long? maxFileSize)
    {
        using Stream stdout = OperatingSystem.IsWindows()
            ? Console.OpenStandardOutput()
            : new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(1, ownsHandle: false), FileAccess.Write, 1);
        long bytes = download.Run(server, remote, Limit(stdout, maxFileSize));
        stdout.Flush();
        return bytes;
    }

    // Written as .NAME.part beside the target, and renamed only when complete. The name comes from the
    // target alone, so a part left by a killed run is replaced by the next one, not left for good.
    private static long RunToFile(TftpDownload download, IPEndPoint server, string remote, string output, long? maxFileSize)
    {
        string target = Path.GetFullPath(output);
        string partial = PartialPath(target);
        try
        {
            long bytes;
            using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, FileBufferSize))
            {
                bytes = download.Run(server, remote, Limit(file, maxFileSize));
                file.Flush(flushToDisk: true);
            }

            File.Move(partial, target, overwrite: true);
            return bytes;
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    /// <summary>Where a download to <paramref name="target"/> is written until it is complete.</summary>
    public static string PartialPath(string target) =>
        Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.part");

    private static Stream Limit(Stream stream, long? maxFileSize) => maxFileSize is long limit ? new LimitedStream(stream, limit) : stream;

    // Refuses the first byte past the limit, before it is written.
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _written;

        public override long Position { get => _written; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (_written + count > limit)
            {
                throw new FileTooLargeException(limit);
            }

            inner.Write(buffer, offset, count);
            _written += count;
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
