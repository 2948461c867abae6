using System.CommandLine;
using System.Net;
using TftpNano.Cli.Server;

namespace TftpNano.Cli.Commands;

/// <summary>
/// <c>tftpnano serve</c>: a read-only TFTP server for one folder, until interrupted.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var folder = new Argument<DirectoryInfo>("dir") { Description = "The folder to serve." };
        var address = new Option<string>("--address") { Description = "Address to listen on.", DefaultValueFactory = _ => "0.0.0.0" };
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

        var command = new Command("serve", "Serve a folder read-only over TFTP (blksize, tsize, timeout, windowsize).")
        {
            folder, address, port, maxTransfers, maxPerClient, maxTimeout,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var listen = new IPEndPoint(IPAddress.Parse(parse.GetValue(address)!), parse.GetValue(port));
            var settings = new TftpServerSettings
            {
                MaxTransfers = Positive(parse.GetValue(maxTransfers), "--max-transfers"),
                MaxTransfersPerClient = Positive(parse.GetValue(maxPerClient), "--max-per-client"),
                MaxTimeoutSeconds = Math.Clamp(Positive(parse.GetValue(maxTimeout), "--max-timeout"), 1, 255),
            };
            using var server = new TftpServer(parse.GetValue(folder)!.FullName, listen, settings);
            server.TransferFinished += Log;
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

    private static void Log(TransferRecord record)
    {
        // The name and a client's error text come from the network: escaped, they cannot forge a line.
        string outcome = record.Completed
            ? $"sent {Units.Bytes(record.BytesAcknowledged)} (blksize {record.BlockSize}, windowsize {record.WindowSize}, {record.DataPacketsResent} resent)"
            : $"failed: {Printable.Escape(record.Failure ?? "")}";
        Console.WriteLine($"{record.Client} {Printable.Escape(record.FileName)}: {outcome} in {record.Duration.TotalSeconds:F2} s");
    }
}
