using System.CommandLine;
using System.Net.Sockets;
using TftpNano.Cli.Net;
using TftpNano.Transfer;

namespace TftpNano.Cli.Commands;

/// <summary>
/// <c>tftpnano get</c>: downloads one file.
/// </summary>
internal static class GetCommand
{
    /// <summary>The window size the host tool asks for: desktops have no 6-datagram receive mailbox.</summary>
    public const int HostWindowSize = 16;

    public static Command Create()
    {
        var defaults = new TftpDownloadSettings();
        var url = new Argument<string>("url") { Description = "tftp://HOST[:PORT]/PATH" };
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Where to write the file; '-' for standard output. Default: the remote file's name here.",
        };
        var blockSize = new Option<int>("--blksize") { Description = "Block size to ask for (8-65464).", DefaultValueFactory = _ => defaults.BlockSize };
        var windowSize = new Option<int>("--windowsize") { Description = "Blocks per ACK to ask for (1-65535).", DefaultValueFactory = _ => HostWindowSize };
        var timeout = new Option<int>("--timeout-ms")
        {
            Description = "Retransmission timeout until the first round trip is measured; it adapts after that.",
            DefaultValueFactory = _ => defaults.InitialTimeoutMs,
        };
        var retries = new Option<int>("--retries") { Description = "Timeouts in a row before giving up.", DefaultValueFactory = _ => defaults.MaxRetries };
        var noOptions = new Option<bool>("--no-options") { Description = "Send a plain RFC 1350 request: 512-byte blocks, one per ACK." };
        var stats = new Option<bool>("--stats") { Description = "Print the transfer's counters on standard error when it succeeds." };

        var command = new Command("get", "Download a file from a TFTP server.")
        {
            url, output, blockSize, windowSize, timeout, retries, noOptions, stats,
        };
        command.SetAction(parse =>
        {
            return CliErrors.Run(() =>
            {
                TftpUrl address = TftpUrl.Parse(parse.GetValue(url)!);
                var settings = new TftpDownloadSettings
                {
                    UseOptions = !parse.GetValue(noOptions),
                    BlockSize = parse.GetValue(blockSize),
                    WindowSize = parse.GetValue(windowSize),
                    InitialTimeoutMs = parse.GetValue(timeout),
                    MaxRetries = parse.GetValue(retries),
                };
                string? target = parse.GetValue(output) ?? DefaultOutput(address.Path);
                using var cancel = new CancellationTokenSource();
                ConsoleCancelEventHandler onCancel = (_, e) =>
                {
                    e.Cancel = true;
                    cancel.Cancel();
                };
                Console.CancelKeyPress += onCancel;
                try
                {
                    DownloadResult result = FileDownloader.Download(address.Resolve(), address.Path, target == "-" ? null : target,
                        settings, cancel.Token);
                    if (parse.GetValue(stats))
                    {
                        Console.Error.WriteLine("stats " + result.Describe());
                    }
                }
                finally
                {
                    Console.CancelKeyPress -= onCancel;
                }
            });
        });
        return command;
    }

    private static string DefaultOutput(string remotePath)
    {
        string name = Path.GetFileName(remotePath.Replace('\\', '/').TrimEnd('/'));
        if (name.Length == 0 || name == "." || name == "..")
        {
            throw new FormatException($"Cannot derive a file name from '{remotePath}'; use -o.");
        }

        return name;
    }
}
