using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TftpNano.Host.Net;
using TftpNano.Host.Server;
using TftpNano.Protocol;
using TftpNano.Tests.Support;
using TftpNano.Transfer;

namespace TftpNano.Tests.Interop;

/// <summary>
/// Clients that go away in the middle of a transfer, as a device that reboots does: their transfers must
/// not hold the server's slots. Each client has a loopback address of its own (127.0.0.0/8).
/// </summary>
public sealed class AbortedTransferTests : IDisposable
{
    private readonly EmbeddedServer _server = new();

    public AbortedTransferTests() => _server.AddFile("image.bin", 1024 * 1024);

    [Fact]
    public void EightyClientsWhosePortsCloseAfterTheirRequestDoNotLockANewClientOut()
    {
        // 80 requests, more than the 64 transfers the server runs at once; each client's port then closes.
        // The server used to keep each of them for every retry (24 s), saying "Server busy." meanwhile.
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 80; i++)
        {
            using Socket vanishing = Client(IPAddress.Parse($"127.0.0.{i + 2}"));
            SendRequest(vanishing);
        }

        // A new client is served at once: every half-open transfer ended on its client's ICMP.
        TftpDownload download = DownloadWhenServed(IPAddress.Parse("127.0.0.200"), TimeSpan.FromSeconds(20));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"served after {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(1024 * 1024 / 1468 + 1, download.Statistics.BlocksWritten);
        // Every request that got a transfer (64 at least; more when slots freed while the others came
        // in) ended on the refusal, none by its retries.
        Assert.True(_server.Server.WaitForFinishedTransfers(65, TimeSpan.FromSeconds(10)));
        TransferRecord[] abandoned = _server.Server.FinishedTransfers.Where(t => !t.Completed).ToArray();
        Assert.InRange(abandoned.Length, 64, 80);
        Assert.All(abandoned, t => Assert.Equal("the client's port is closed (ICMP port unreachable)", t.Failure));
        Assert.All(abandoned, t => Assert.True(t.Duration < TimeSpan.FromSeconds(1), $"{t.Client} ended after {t.Duration}"));
    }

    [Fact]
    public void ADeviceThatRebootsEightTimesMidTransferIsServedWhenItAsksAgain()
    {
        // The per-client cap is 8: a boot loop that leaves a transfer behind at each boot used to fill it.
        IPAddress device = IPAddress.Parse("127.0.0.77");
        for (int boot = 0; boot < 8; boot++)
        {
            using Socket socket = Client(device);
            SendRequest(socket);
            Assert.Equal(TftpOpcode.OptionAcknowledgement, Receive(socket));
        }

        // Faster than a board restarts: the server's next retransmission (1 s) meets the closed port.
        Thread.Sleep(1500);
        var clock = Stopwatch.StartNew();
        using (Socket ninth = Client(device))
        {
            SendRequest(ninth);
            Assert.Equal(TftpOpcode.OptionAcknowledgement, Receive(ninth));
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"answered after {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(_server.Server.WaitForFinishedTransfers(8, TimeSpan.FromSeconds(5)));
        Assert.All(_server.Server.FinishedTransfers.Take(8), t => Assert.Equal("the client's port is closed (ICMP port unreachable)", t.Failure));
    }

    [Fact]
    public void AClientThatFallsSilentWithItsPortOpenFreesItsSlotWithinTheSilenceBound()
    {
        // No ICMP here: the client's socket stays open and says nothing more after the OACK.
        using Socket silent = Client(IPAddress.Parse("127.0.0.66"));
        SendRequest(silent);
        Assert.Equal(TftpOpcode.OptionAcknowledgement, Receive(silent));

        Assert.True(_server.Server.WaitForFinishedTransfers(1, TimeSpan.FromSeconds(20)));
        TransferRecord record = Assert.Single(_server.Server.FinishedTransfers);
        Assert.StartsWith("no answer from the client for ", record.Failure, StringComparison.Ordinal);

        // Timeouts of 1, 2 and 4 s: ended at the first expiry after 5 s of silence, not after 5 retries.
        Assert.InRange(record.Duration, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(9));
        Assert.Equal(3, record.TimeoutsExpired);
    }

    public void Dispose() => _server.Dispose();

    private static Socket Client(IPAddress address)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(address, 0));
        return socket;
    }

    private void SendRequest(Socket socket)
    {
        var options = new TftpOptions { BlockSize = 1468, WindowSize = 4, TransferSize = 0 };
        byte[] request = new byte[128];
        int length = TftpPacket.WriteRequest(request, TftpOpcode.ReadRequest, "image.bin", options);
        socket.SendTo(request.AsSpan(0, length), SocketFlags.None, _server.EndPoint);
    }

    private static TftpOpcode Receive(Socket socket)
    {
        byte[] buffer = new byte[2048];
        socket.ReceiveTimeout = 5000;
        int length = socket.Receive(buffer);
        TftpOpcode opcode = TftpPacket.ReadOpcode(buffer, length);
        if (opcode == TftpOpcode.Error)
        {
            TftpPacket.ReadAnyError(buffer, length, out string message);
            Assert.Fail("ERROR from the server: " + message);
        }

        return opcode;
    }

    // Downloads from a socket bound to the given address, asking again while the server is busy.
    private TftpDownload DownloadWhenServed(IPAddress address, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var download = new TftpDownload(new BoundTransports(address), EmbeddedServer.Settings(blockSize: 1468, windowSize: 4));
            try
            {
                download.Run(_server.EndPoint, "image.bin", new VerifyingStream());
                return download;
            }
            catch (TftpException e) when (e.ServerMessage == "Server busy." && clock.Elapsed < limit)
            {
                Thread.Sleep(50);
            }
        }
    }
}
