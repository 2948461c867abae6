using System.CommandLine;
using System.Globalization;
using TftpNano.Cli.Net;
using TftpNano.Transfer;

namespace TftpNano.Cli.Commands;

/// <summary>
/// <c>tftpnano get</c>: downloads files, with curl's conventions where TFTP allows them.
/// </summary>
internal static class GetCommand
{
    /// <summary>The window size the host tool asks for: desktops have no 6-datagram receive mailbox.</summary>
    public const int HostWindowSize = 16;

    public static Command Create()
    {
        var defaults = new TftpDownloadSettings();
        var urls = new Argument<string[]>("url") { Description = "tftp://HOST[:PORT]/PATH[;mode=octet], one or more.", Arity = ArgumentArity.OneOrMore };
        urls.Validators.Add(result =>
        {
            foreach (string value in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (value.Length > 1 && value[0] == '-')
                {
                    result.AddError($"{value} is not an option of get.");
                }
            }
        });
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Where to write: a file, a folder (ending in '/' or existing) to write into, or '-' for standard output. "
                + "Default: the remote file's name here.",
        };
        var blockSize = Ranged(new Option<int>("--blksize") { Description = "Block size to ask for (8-65464).", DefaultValueFactory = _ => defaults.BlockSize }, 8, 65464);
        var windowSize = Ranged(new Option<int>("--windowsize") { Description = "Blocks per ACK to ask for (1-65535).", DefaultValueFactory = _ => HostWindowSize }, 1, 65535);
        var timeout = Ranged(new Option<int>("--timeout-ms")
        {
            Description = "Retransmission timeout until the first round trip is measured (10-60000); it adapts after that.",
            DefaultValueFactory = _ => defaults.InitialTimeoutMs,
        }, 10, 60000);
        var retries = Ranged(new Option<int>("--retries") { Description = "Timeouts in a row before giving up (1-100).", DefaultValueFactory = _ => defaults.MaxRetries }, 1, 100);
        var noOptions = new Option<bool>("--no-options") { Description = "Send a plain RFC 1350 request: 512-byte blocks, one per ACK." };
        var noUtimeout = new Option<bool>("--no-utimeout")
        {
            Description = "Do not ask the server for a millisecond retransmission timeout (tftpd-hpa's utimeout); ask only RFC 2349's timeout of 1 s.",
        };
        var stats = new Option<bool>("--stats") { Description = "Print each transfer's counters on standard error when it succeeds." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print nothing but errors: no progress, no summary." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Print one line per datagram sent (>) and received (<) on standard error." };
        var noProgress = new Option<bool>("--no-progress") { Description = "No progress line (the summary stays)." };
        var maxTime = Ranged(new Option<int?>("--max-time") { Description = "Seconds the whole command may take; then it stops, tells the server and exits 28." }, 1, 86400);
        var json = new Option<bool>("--json") { Description = "Print one JSON object with each download's counters on standard output, and nothing else." };
        var maxFileSize = Ranged(new Option<long?>("--max-filesize") { Description = "Bytes a file may have; a larger one is stopped, told to the server, and exits 63." }, 0, long.MaxValue);

        var command = new Command("get", "Download files from a TFTP server.")
        {
            urls, output, blockSize, windowSize, timeout, retries, noOptions, noUtimeout, stats, quiet, verbose, noProgress, maxTime, maxFileSize, json,
        };
        command.SetAction(parse =>
        {
            int? seconds = parse.GetValue(maxTime);
            using var stopping = new Stopping(seconds is int s ? TimeSpan.FromSeconds(s) : null);
            return CliErrors.Run(() =>
            {
                string[] addresses = parse.GetValue(urls)!;
                string? destination = parse.GetValue(output);
                if (destination == "-" && addresses.Length > 1)
                {
                    throw new ArgumentException("-o - takes one URL: standard output cannot hold several files apart.");
                }

                bool asJson = parse.GetValue(json);
                if (destination == "-" && asJson)
                {
                    throw new ArgumentException("--json prints on standard output, which -o - gives to the file.");
                }

                var settings = new TftpDownloadSettings
                {
                    UseOptions = !parse.GetValue(noOptions),
                    ShortServerTimeout = !parse.GetValue(noUtimeout),
                    BlockSize = parse.GetValue(blockSize),
                    WindowSize = parse.GetValue(windowSize),
                    InitialTimeoutMs = parse.GetValue(timeout),
                    MaxRetries = parse.GetValue(retries),
                };
                bool silent = parse.GetValue(quiet) || asJson;
                var downloads = new List<DownloadJson>();
                foreach (string text in addresses)
                {
                    TftpUrl address = TftpUrl.Parse(text);
                    string? target = Target(destination, address.Path, addresses.Length > 1);
                    bool tracing = parse.GetValue(verbose);
                    ProgressBar? bar = ProgressBar.ForTerminal(silent || tracing || parse.GetValue(noProgress));
                    DownloadResult result = FileDownloader.Download(address.Resolve(), address.Path, target, settings, bar,
                        parse.GetValue(maxFileSize), stopping.Token, tracing ? Console.Error : null);
                    string summary = Summary(target, result);
                    if (bar is not null)
                    {
                        bar.Finish(silent ? null : summary);
                    }
                    else if (!silent && !Console.IsErrorRedirected)
                    {
                        Console.Error.WriteLine(summary);
                    }

                    if (parse.GetValue(stats))
                    {
                        Console.Error.WriteLine("stats " + result.Describe());
                    }

                    downloads.Add(DownloadJson.From(text, target, result));
                }

                if (asJson)
                {
                    JsonOutput.Print(new GetJson(downloads), JsonOutput.Default.GetJson);
                }
            }, stopping);
        });
        return command;
    }

    // An option whose value must lie in a range, refused at parse time by its flag's name.
    private static Option<T> Ranged<T>(Option<T> option, long min, long max)
    {
        option.Validators.Add(result =>
        {
            object? value = result.GetValueOrDefault<T>();
            long number = value is null ? min : Convert.ToInt64(value, CultureInfo.InvariantCulture);
            if (number < min || number > max)
            {
                result.AddError($"{option.Name} must be from {min} to {max}, not {value}.");
            }
        });
        return option;
    }

    // "saved F, N MiB in T s, R MiB/s", curl's summary in one line.
    private static string Summary(string? target, DownloadResult result)
    {
        double seconds = Math.Max(result.Elapsed.TotalSeconds, 0.001);
        string where = target is null ? "wrote standard output" : $"saved {target}";
        return FormattableString.Invariant($"{where}, {Units.Bytes(result.Bytes)} in {seconds:0.0} s, {Units.Bytes((long)(result.Bytes / seconds))}/s");
    }

    // The file to write: -o as given, into a folder when it names one, else the remote file's name here.
    private static string? Target(string? destination, string remotePath, bool several)
    {
        if (destination == "-")
        {
            return null;
        }

        if (destination is null)
        {
            return RemoteName(remotePath);
        }

        bool folder = destination.EndsWith('/') || destination.EndsWith(Path.DirectorySeparatorChar) || Directory.Exists(destination);
        if (several && !folder)
        {
            throw new ArgumentException($"-o {destination} must be a folder (end it with '/') for several URLs.");
        }

        if (folder)
        {
            Directory.CreateDirectory(destination);
            return Path.Combine(destination, RemoteName(remotePath));
        }

        return destination;
    }

    private static string RemoteName(string remotePath)
    {
        string name = Path.GetFileName(remotePath.Replace('\\', '/').TrimEnd('/'));
        if (name.Length == 0 || name == "." || name == "..")
        {
            throw new FormatException($"Cannot derive a file name from '{remotePath}'; use -o.");
        }

        return name;
    }
}
