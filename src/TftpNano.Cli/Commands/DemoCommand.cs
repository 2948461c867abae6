using System.CommandLine;
using System.Net;
using System.Security.Cryptography;
using TftpNano.Cli.Server;
using TftpNano.Transfer;

namespace TftpNano.Cli.Commands;

/// <summary>
/// <c>tftpnano demo</c>: the embedded server and the download engine against each other on loopback.
/// </summary>
internal static class DemoCommand
{
    private const int ImageSize = 1024 * 1024;

    public static Command Create()
    {
        var command = new Command("demo", "Serve a generated 1 MiB image on loopback, download it and verify it.");
        command.SetAction(_ => CliErrors.Run(Run));
        return command;
    }

    private static void Run()
    {
        string workspace = Directory.CreateTempSubdirectory("tftpnano-demo-").FullName;
        try
        {
            string served = Directory.CreateDirectory(Path.Combine(workspace, "server")).FullName;
            byte[] image = RandomNumberGenerator.GetBytes(ImageSize);
            File.WriteAllBytes(Path.Combine(served, "firmware.bin"), image);
            Console.WriteLine($"1. generated firmware.bin: {Units.Bytes(image.Length)}, sha256 {Convert.ToHexStringLower(SHA256.HashData(image))}");

            using var server = new TftpServer(served, new IPEndPoint(IPAddress.Loopback, 0));
            server.Start();
            Console.WriteLine($"2. embedded TFTP server listening on {server.LocalEndPoint}");

            string output = Path.Combine(workspace, "firmware.bin");
            var settings = new TftpDownloadSettings { WindowSize = GetCommand.HostWindowSize };
            DownloadResult result = FileDownloader.Download(server.LocalEndPoint, "firmware.bin", output, settings);
            TftpTransferStatistics stats = result.Transfer.Statistics;
            Console.WriteLine($"3. downloaded {Units.Bytes(result.Bytes)} in {result.Elapsed.TotalMilliseconds:0} ms "
                + $"({Units.Bytes((long)(result.Bytes / result.Elapsed.TotalSeconds))}/s): blksize {result.Transfer.BlockSize}, "
                + $"windowsize {result.Transfer.WindowSize}, {stats.BlocksWritten} blocks, {stats.PacketsSent} packets sent, "
                + $"{stats.Timeouts} timeouts, smoothed RTT {stats.SmoothedRttMs} ms");

            byte[] received = File.ReadAllBytes(output);
            if (!received.AsSpan().SequenceEqual(image))
            {
                throw new IOException("4. verification FAILED: the downloaded image differs from the served one.");
            }

            Console.WriteLine($"4. verified byte for byte: sha256 {Convert.ToHexStringLower(SHA256.HashData(received))}");
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }
}
