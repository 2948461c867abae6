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

        var command = new Command("serve", "Serve a folder read-only over TFTP (blksize, tsize, timeout, windowsize).")
        {
            folder, address, port,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var listen = new IPEndPoint(IPAddress.Parse(parse.GetValue(address)!), parse.GetValue(port));
            using var server = new TftpServer(parse.GetValue(folder)!.FullName, listen);
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

    private static void Log(TransferRecord record)
    {
        string outcome = record.Completed
            ? $"sent {Units.Bytes(record.BytesAcknowledged)} (blksize {record.BlockSize}, windowsize {record.WindowSize}, {record.DataPacketsResent} resent)"
            : $"failed: {record.Failure}";
        Console.WriteLine($"{record.Client} {record.FileName}: {outcome}");
    }
}
