using System.Diagnostics;
using System.Net;
using TftpNano.Cli.Net;
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
            + FormattableString.Invariant(
            $"allocated={AllocatedBytes} peak_rss_kib={Process.GetCurrentProcess().PeakWorkingSet64 / 1024}");
    }
}

/// <summary>
/// Runs the download engine into a file or standard output, the way the host tool's users expect:
/// a failed download never leaves a truncated file under the final name.
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
    /// <param name="cancellation">Cancels the transfer.</param>
    /// <returns>What the download did.</returns>
    public static DownloadResult Download(IPEndPoint server, string remote, string? output, TftpDownloadSettings settings,
        CancellationToken cancellation = default)
    {
        var download = new TftpDownload(HostUdpTransportFactory.Instance, settings);
        ProgressBar? bar = ProgressBar.IsWanted ? new ProgressBar() : null;
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
                ? RunToStandardOutput(download, server, remote)
                : RunToFile(download, server, remote, output);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            bar?.Update(bytes, download.TransferSize, force: true);
            return new DownloadResult(bytes, clock.Elapsed, download, allocated);
        }
        finally
        {
            bar?.Finish();
        }
    }

    private static long RunToStandardOutput(TftpDownload download, IPEndPoint server, string remote)
    {
        using Stream stdout = Console.OpenStandardOutput();
        long bytes = download.Run(server, remote, stdout);
        stdout.Flush();
        return bytes;
    }

    private static long RunToFile(TftpDownload download, IPEndPoint server, string remote, string output)
    {
        string target = Path.GetFullPath(output);
        string folder = Path.GetDirectoryName(target)!;
        string partial = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.part");
        try
        {
            long bytes;
            using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileBufferSize))
            {
                bytes = download.Run(server, remote, file);
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
}
