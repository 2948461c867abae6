using System.CommandLine;
using System.Net;
using TftpNano.Host.Relay;

namespace TftpNano.Cli.Commands;

/// <summary>
/// <c>tftpnano relay</c>: an impaired link between any TFTP client and a server, until interrupted.
/// </summary>
internal static class RelayCommand
{
    public static Command Create()
    {
        var server = new Argument<string>("server") { Description = "The server's request endpoint, ADDRESS:PORT." };
        var listen = new Option<string>("--listen") { Description = "Where clients send requests.", DefaultValueFactory = _ => "127.0.0.1:6969" };
        var link = new Option<string>("--link")
        {
            Description = "Impairments of both directions, e.g. delay=1ms,jitter=0.2ms,loss=1%,dup=0.1%,rate=100Mbit.",
            DefaultValueFactory = _ => "",
        };
        var toServer = new Option<string?>("--to-server") { Description = "Impairments from clients to the server, instead of --link." };
        var toClient = new Option<string?>("--to-client") { Description = "Impairments from the server to clients, instead of --link." };
        var seed = new Option<int>("--seed") { Description = "Seeds the impairments, for reproducible runs.", DefaultValueFactory = _ => 1 };

        var command = new Command("relay", "Relay TFTP through an emulated link: delay, jitter, loss, duplication, rate.")
        {
            server, listen, link, toServer, toClient, seed,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            LinkProfile both = LinkProfile.Parse(parse.GetValue(link)!);
            LinkProfile up = parse.GetValue(toServer) is { } u ? LinkProfile.Parse(u) : both;
            LinkProfile down = parse.GetValue(toClient) is { } d ? LinkProfile.Parse(d) : both;
            using var relay = new LinkEmulator(IPEndPoint.Parse(parse.GetValue(server)!), up, down, parse.GetValue(seed),
                IPEndPoint.Parse(parse.GetValue(listen)!));
            using var stop = new ManualResetEventSlim();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stop.Set();
            };
            relay.Start();
            Console.WriteLine($"relaying {relay.LocalEndPoint} -> {parse.GetValue(server)}; to server: {up}; to client: {down}; Ctrl+C stops");
            stop.Wait();
            Console.WriteLine($"to server: {relay.ToServer}");
            Console.WriteLine($"to client: {relay.ToClient}");
        }));
        return command;
    }
}
