using System.CommandLine;
using System.Net;
using TftpNano.Host.Server;

namespace TftpNano.Cli.Commands;

/// <summary>
/// <c>tftpnano serve</c>: a read-only TFTP server for one folder, until interrupted; with
/// <c>--reports</c>, devices' reports are written to one folder of it.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var folder = new Argument<DirectoryInfo>("dir") { Description = "The folder to serve." };
        var address = new Option<string>("--address")
        {
            Description = "Address to listen on; :: listens on IPv6 and IPv4 both.",
            DefaultValueFactory = _ => "0.0.0.0",
        };
        var port = new Option<int>("--port") { Description = "Port to listen on.", DefaultValueFactory = _ => 69 };
        var defaults = new TftpServerSettings();
        var maxTransfers = new Option<int>("--max-transfers")
        {
            Description = "Transfers at once; more requests get ERROR 0 \"Server busy.\"",
            DefaultValueFactory = _ => defaults.MaxTransfers,
        };
        var maxPerClient = new Option<int>("--max-per-client")
        {
            Description = "Transfers at once from one client address.",
            DefaultValueFactory = _ => defaults.MaxTransfersPerClient,
        };
        var maxTimeout = new Option<int>("--max-timeout")
        {
            Description = "The largest timeout option granted, in seconds.",
            DefaultValueFactory = _ => defaults.MaxTimeoutSeconds,
        };

        var portRange = new Option<string?>("--port-range") { Description = "FIRST:LAST, the ports transfers are served from (for a firewall); default any free port." };
        var user = new Option<string?>("--user") { Description = "Once the port is bound, run as this user (Linux): root is needed for port 69 only." };
        var reports = new Option<string?>("--reports")
        {
            Description = "Take devices' reports by write request into this folder of DIR (such as reports): only FOLDER/<device id>, at most 4 KiB each; nothing else is writable.",
        };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Add each transfer's datagram counters to its log line." };

        var command = new Command("serve", "Serve a folder read-only over TFTP (blksize, tsize, timeout, windowsize), and take devices' reports with --reports.")
        {
            folder, address, port, maxTransfers, maxPerClient, maxTimeout, portRange, reports, user, verbose,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            if (!IPAddress.TryParse(parse.GetValue(address)!, out IPAddress? listenAddress))
            {
                throw new ArgumentException($"--address {parse.GetValue(address)} is not an IP address.");
            }

            var listen = new IPEndPoint(listenAddress, parse.GetValue(port));
            var settings = new TftpServerSettings
            {
                MaxTransfers = Positive(parse.GetValue(maxTransfers), "--max-transfers"),
                MaxTransfersPerClient = Positive(parse.GetValue(maxPerClient), "--max-per-client"),
                MaxTimeoutSeconds = Math.Clamp(Positive(parse.GetValue(maxTimeout), "--max-timeout"), 1, 255),
                TransferPorts = parse.GetValue(portRange) is { } range ? ParseRange(range) : null,
                ReportsFolder = parse.GetValue(reports),
            };
            using var server = new TftpServer(parse.GetValue(folder)!.FullName, listen, settings);
            if (parse.GetValue(user) is { } name)
            {
                // The report folder is the one place the server writes: the user it becomes owns it.
                if (server.ReportFolder is { } written)
                {
                    Privileges.GiveOwnership(written.FullPath, name);
                }

                Privileges.DropTo(name);
            }

            bool counters = parse.GetValue(verbose);
            server.TransferFinished += record => Log(record, counters);
            using var stop = new ManualResetEventSlim();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stop.Set();
            };
            server.Start();
            Console.WriteLine($"serving {parse.GetValue(folder)!.FullName} on {server.LocalEndPoint}; Ctrl+C stops");
            stop.Wait();
        }));
        return command;
    }

    private static int Positive(int value, string option) =>
        value > 0 ? value : throw new ArgumentException($"{option} must be at least 1, not {value}.");

    private static (int First, int Last) ParseRange(string text)
    {
        string[] parts = text.Split(':');
        if (parts.Length == 2 && int.TryParse(parts[0], out int first) && int.TryParse(parts[1], out int last)
            && first >= 1 && first <= last && last <= 65535)
        {
            return (first, last);
        }

        throw new ArgumentException($"--port-range must be FIRST:LAST, two ports from 1 to 65535 in order, not '{text}'.");
    }

    // One line per finished transfer: who fetched what, how much, how long, and how it ended, so that
    // an operator sees which device fetched which release. The name and a client's error text come
    // from the network: escaped, they cannot forge a line.
    private static void Log(TransferRecord record, bool counters)
    {
        string outcome = record.Completed ? "complete" : $"failed: {Printable.Escape(record.Failure ?? "")}";
        string detail = counters
            ? $" (blksize {record.BlockSize}, windowsize {record.WindowSize}, {record.DataPacketsSent} sent, {record.DataPacketsResent} resent, "
                + $"{record.TimeoutsExpired} timeouts, {record.AcknowledgementsReceived} ACKs)"
            : string.Empty;
        Console.WriteLine(FormattableString.Invariant(
            $"{record.Client} {Printable.Escape(record.FileName)} {record.BytesAcknowledged} bytes in {record.Duration.TotalSeconds:F2} s: {outcome}{detail}"));
    }
}
