using System.Net;
using System.Net.Sockets;
using TftpNano.Host.Net;
using TftpNano.Host.Relay;
using TftpNano.Host.Server;
using TftpNano.Protocol;
using TftpNano.Tests.Support;
using TftpNano.Transfer;

namespace TftpNano.Tests.Interop;

/// <summary>
/// The server's admission: requests over its total cap wait their turn instead of being turned away,
/// as a fleet that boots at once needs. Each client has a loopback address of its own (127.0.0.0/8).
/// </summary>
public sealed class ServerAdmissionTests : IDisposable
{
    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void ClientsOverTheCapWaitTheirTurnAndAreAllServed()
    {
        string folder = _workspace.Folder("served");
        TestContent.WriteFile(folder, "image.bin", 200 * 1024);
        using var server = new TftpServer(folder, new IPEndPoint(IPAddress.Loopback, 0), new TftpServerSettings { MaxTransfers = 4 });
        server.Start();

        // 24 devices at once, with the device's settings, against room for 4 transfers: each used to
        // hear "Server busy." but the first four.
        var failures = new List<Exception>();
        var destinations = new VerifyingStream[24];
        Thread[] devices = Enumerable.Range(0, destinations.Length).Select(i => new Thread(() =>
        {
            destinations[i] = new VerifyingStream();
            try
            {
                new TftpDownload(new BoundTransports(IPAddress.Parse($"127.0.3.{i + 2}")), new TftpDownloadSettings())
                    .Run(server.LocalEndPoint, "image.bin", destinations[i]);
            }
            catch (Exception e)
            {
                lock (failures)
                {
                    failures.Add(e);
                }
            }
        })).ToArray();
        Array.ForEach(devices, d => d.Start());
        Assert.All(devices, d => Assert.True(d.Join(TimeSpan.FromSeconds(60))));

        Assert.Empty(failures);
        Assert.All(destinations, d => Assert.Equal((200 * 1024, -1L), (d.Position, d.FirstMismatch)));
        Assert.True(server.WaitForFinishedTransfers(24, TimeSpan.FromSeconds(10)));
        Assert.All(server.FinishedTransfers, r => Assert.True(r.Completed, r.Failure));
        Assert.Equal(24, server.FinishedTransfers.Count);
    }

    [Fact]
    public void ARequestWaitsSilentlyUntilASlotFreesAndOneBeyondTheLineHearsBusy()
    {
        string folder = _workspace.Folder("served");
        TestContent.WriteFile(folder, "image.bin", 100 * 1024);
        using var server = new TftpServer(folder, new IPEndPoint(IPAddress.Loopback, 0),
            new TftpServerSettings { MaxTransfers = 1, MaxWaitingRequests = 1 });
        server.Start();

        Socket first = Client("127.0.4.2");
        using Socket second = Client("127.0.4.3");
        using Socket third = Client("127.0.4.4");
        Request(first, server);
        Assert.Equal(TftpOpcode.OptionAcknowledgement, Receive(first, out _));

        // The second waits, without a word, and asking again keeps its place; the third finds the line full.
        Request(second, server);
        Request(second, server);
        Assert.False(second.Poll(TimeSpan.FromMilliseconds(300), SelectMode.SelectRead));
        Request(third, server);
        Assert.Equal(TftpOpcode.Error, Receive(third, out string busy));
        Assert.Equal("Server busy.", busy);

        // The first client goes away (its port closes): its transfer ends, and the second's starts.
        first.Dispose();
        Assert.Equal(TftpOpcode.OptionAcknowledgement, Receive(second, out _));
        Assert.False(second.Poll(TimeSpan.FromMilliseconds(300), SelectMode.SelectRead), "the second request got a second transfer");
    }

    [Fact]
    public void ThroughTheLinkEmulatorEachLoopbackClientReachesTheServerFromItsOwnAddress()
    {
        string folder = _workspace.Folder("served");
        TestContent.WriteFile(folder, "image.bin", 50 * 1024);
        using var server = new TftpServer(folder, new IPEndPoint(IPAddress.Loopback, 0));
        server.Start();
        LinkProfile link = LinkProfile.Parse("delay=0ms");
        using var relay = new LinkEmulator(server.LocalEndPoint, link, link, seed: 1);
        relay.Start();

        // As on a network, where the server's limits per client see each device apart; the relay used to
        // reach the server from its own address for every client, and to answer each from the client's.
        string[] addresses = ["127.0.6.2", "127.0.6.3", "127.0.6.4"];
        foreach (string address in addresses)
        {
            var destination = new VerifyingStream();
            new TftpDownload(new BoundTransports(IPAddress.Parse(address)), new TftpDownloadSettings())
                .Run(relay.LocalEndPoint, "image.bin", destination);
            Assert.Equal((50 * 1024, -1L), (destination.Position, destination.FirstMismatch));
        }

        Assert.True(server.WaitForFinishedTransfers(3, TimeSpan.FromSeconds(10)));
        Assert.Equal(addresses, server.FinishedTransfers.Select(r => r.Client.Address.ToString()));
    }

    private static Socket Client(string address)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
        return socket;
    }

    private static void Request(Socket socket, TftpServer server)
    {
        byte[] request = new byte[128];
        int length = TftpPacket.WriteRequest(request, TftpOpcode.ReadRequest, "image.bin", new TftpOptions { BlockSize = 1468, WindowSize = 4 });
        socket.SendTo(request.AsSpan(0, length), SocketFlags.None, server.LocalEndPoint);
    }

    private static TftpOpcode Receive(Socket socket, out string message)
    {
        byte[] buffer = new byte[2048];
        socket.ReceiveTimeout = 5000;
        int length = socket.Receive(buffer);
        TftpOpcode opcode = TftpPacket.ReadOpcode(buffer, length);
        message = opcode == TftpOpcode.Error ? ReadMessage(buffer, length) : "";
        return opcode;
    }

    private static string ReadMessage(byte[] buffer, int length)
    {
        TftpPacket.ReadAnyError(buffer, length, out string message);
        return message;
    }
}
