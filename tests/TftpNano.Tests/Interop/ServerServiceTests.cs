using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TftpNano.Host.Server;
using TftpNano.Protocol;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.Interop;

/// <summary>
/// The embedded server as a service on a LAN, played against by a hand-driven client.
/// </summary>
public sealed class ServerServiceTests : IDisposable
{
    // Silence is allowed for longer than the default 5 s: one test watches a silent client's back-off
    // over 7 s. The silence bound has tests of its own (AbortedTransferTests).
    private readonly EmbeddedServer _server = new(maxSilence: TimeSpan.FromSeconds(30));
    private readonly Socket _client = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly byte[] _buffer = new byte[2048];

    public ServerServiceTests()
    {
        _client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _server.AddFile("image.bin", 10_000);
    }

    [Fact]
    public void ATimeoutAboveTheServersLargestIsNotGranted()
    {
        // RFC 2349: the OACK echoes the timeout asked for, or leaves it out; it cannot offer another.
        Request("image.bin", "blksize", "512", "timeout", "255");
        (byte[] reply, _) = Receive();
        TftpOptions granted = TftpPacket.ReadOptionAcknowledgement(reply, reply.Length);
        Assert.Equal(512, granted.BlockSize);
        Assert.Equal(0, granted.TimeoutSeconds);
    }

    [Fact]
    public void ATimeoutWithinTheServersLargestIsGrantedAsAsked()
    {
        Request("image.bin", "timeout", "3");
        (byte[] reply, _) = Receive();
        Assert.Equal(3, TftpPacket.ReadOptionAcknowledgement(reply, reply.Length).TimeoutSeconds);
    }

    [Fact]
    public void WhenNothingCanBeGrantedTheAnswerIsData()
    {
        Request("image.bin", "timeout", "255");
        (byte[] reply, _) = Receive();
        Assert.Equal(TftpOpcode.Data, TftpPacket.ReadOpcode(reply, reply.Length));
        Assert.Equal(1, TftpPacket.ReadBlockNumber(reply, reply.Length));
    }

    [Theory]
    [InlineData("blksize", "abc")]
    [InlineData("blksize", "5")]
    [InlineData("windowsize", "0")]
    [InlineData("timeout", "99999999999")]
    public void AnOptionWithAnInvalidValueIsIgnoredAsRfc2347Allows(string name, string value)
    {
        // RFC 2347: the server leaves out of its OACK whatever it does not take; the transfer goes on.
        Request("image.bin", name, value, "tsize", "0");
        (byte[] reply, IPEndPoint transfer) = Receive();

        Assert.Equal(TftpOpcode.OptionAcknowledgement, TftpPacket.ReadOpcode(reply, reply.Length));
        TftpOptions granted = TftpPacket.ReadOptionAcknowledgement(reply, reply.Length);
        Assert.Equal(10_000, granted.TransferSize);
        Assert.Equal((0, 0, 0), (granted.BlockSize, granted.WindowSize, granted.TimeoutSeconds));
        Acknowledge(0, transfer);
        (byte[] data, _) = Receive();
        Assert.Equal(TftpPacket.DataHeaderLength + 512, data.Length);
    }

    [Fact]
    public void ARequestLongerThanADatagramOfTheProtocolIsRefusedForItsLength()
    {
        byte[] request = [0, 1, .. Enumerable.Repeat((byte)'a', 600), 0, .. Encoding.ASCII.GetBytes("octet"), 0];
        _client.SendTo(request, _server.EndPoint);

        (byte[] reply, _) = Receive();
        string message;
        Assert.Equal(TftpErrorCode.IllegalOperation, TftpPacket.ReadAnyError(reply, reply.Length, out message));
        Assert.Equal("The request is longer than 516 bytes.", message);
    }

    [Fact]
    public void ARepeatOfTheRequestIsAnsweredByTheTransferAlreadyRunning()
    {
        // A client that timed out before the server's first answer reached it sends its request again;
        // under load that copy can reach the listener after the client has latched on the first answer.
        // It used to end the transfer the client was receiving: the client was left waiting for a
        // block that never came, and the second transfer's OACK came from a port it had to refuse.
        Request("image.bin", "blksize", "512");
        (byte[] answer, IPEndPoint transfer) = Receive();
        Assert.Equal(TftpOpcode.OptionAcknowledgement, TftpPacket.ReadOpcode(answer, answer.Length));
        Acknowledge(0, transfer);
        (byte[] first, IPEndPoint from) = Receive();
        Assert.Equal(transfer, from);
        Assert.Equal(1, TftpPacket.ReadBlockNumber(first, first.Length));

        Request("image.bin", "blksize", "512");
        DrainListener();

        int blocks = 1;
        int bytes = first.Length - TftpPacket.DataHeaderLength;
        while (bytes < 10_000)
        {
            Acknowledge(blocks, transfer);
            (byte[] data, from) = Receive();
            Assert.Equal(transfer, from);
            Assert.Equal(TftpOpcode.Data, TftpPacket.ReadOpcode(data, data.Length));
            Assert.Equal(blocks + 1, TftpPacket.ReadBlockNumber(data, data.Length));
            blocks++;
            bytes += data.Length - TftpPacket.DataHeaderLength;
        }

        Acknowledge(blocks, transfer);
        // The probe's refused request is the other finished transfer.
        Assert.True(_server.Server.WaitForFinishedTransfers(2, TimeSpan.FromSeconds(2)), "the transfer did not end");
        TransferRecord image = _server.Server.FinishedTransfers.Single(t => t.FileName == "image.bin");
        Assert.True(image.Completed, image.Failure);
        Assert.False(_client.Poll(TimeSpan.FromMilliseconds(300), SelectMode.SelectRead), "a second transfer answered the repeat");
    }

    [Fact]
    public void ADifferentRequestFromTheSamePortEndsTheTransferItStartedBefore()
    {
        // The client started over and asks for something else: the old transfer can only be in its way.
        _server.AddFile("other.bin", 3_000);
        Request("image.bin", "tsize", "0");
        (_, IPEndPoint first) = Receive();
        Request("other.bin", "tsize", "0");
        (byte[] answer, IPEndPoint second) = Receive();

        Assert.NotEqual(first, second);
        Assert.Equal(3_000, TftpPacket.ReadOptionAcknowledgement(answer, answer.Length).TransferSize);
        Assert.True(_server.Server.WaitForFinishedTransfers(1, TimeSpan.FromSeconds(2)), "the first transfer went on");
        Assert.Contains("new request", _server.Server.FinishedTransfers.Single().Failure);
    }

    [Fact]
    public void AClientThatStartsOverWithTheSameRequestEndsTheOldTransferByItsTransferId()
    {
        // A device that restarts mid-transfer and sends the same request from the same port: the
        // request reads as a repeat, and the old transfer's next block is a stranger's to the restarted
        // client, which answers it with ERROR 5 (RFC 1350 section 4, as TransferPort does). That ends
        // the old transfer, and the client's next try of its request starts a new one.
        Request("image.bin", "blksize", "512");
        (_, IPEndPoint old) = Receive();
        Acknowledge(0, old);
        Receive();

        Request("image.bin", "blksize", "512");
        (byte[] stale, IPEndPoint from) = Receive();
        Assert.Equal(old, from);
        Assert.Equal(1, TftpPacket.ReadBlockNumber(stale, stale.Length));
        _client.SendTo(_buffer[..TftpPacket.WriteError(_buffer, TftpErrorCode.UnknownTransferId, "Unknown transfer ID")], old);
        Assert.True(_server.Server.WaitForFinishedTransfers(1, TimeSpan.FromSeconds(2)), "the old transfer went on");
        Assert.Contains("client sent error 5", _server.Server.FinishedTransfers.Single().Failure);

        Request("image.bin", "blksize", "512");
        (byte[] answer, IPEndPoint fresh) = Receive();
        Assert.NotEqual(old, fresh);
        Assert.Equal(TftpOpcode.OptionAcknowledgement, TftpPacket.ReadOpcode(answer, answer.Length));
    }

    [Fact]
    public void ASilentClientIsAskedAgainAtDoublingIntervals()
    {
        // RFC 1123 4.2.3.2: exponential back-off. The client asked for 1 s and never acknowledges.
        Request("image.bin", "timeout", "1");
        var arrivals = new List<double>();
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < 4; i++)
        {
            Receive(TimeSpan.FromSeconds(10));
            arrivals.Add(watch.Elapsed.TotalSeconds);
        }

        double[] gaps = [arrivals[1] - arrivals[0], arrivals[2] - arrivals[1], arrivals[3] - arrivals[2]];
        Assert.InRange(gaps[0], 0.9, 1.6);
        Assert.InRange(gaps[1], 1.8, 3.1);
        Assert.InRange(gaps[2], 3.6, 5.1);
    }

    [Fact]
    public void AFifoInTheServedFolderIsRefusedAndTheServerGoesOn()
    {
        // Opening a FIFO waits for a writer: it used to hang the transfer's thread for good.
        string fifo = Path.Combine(_server.Folder, "pipe.bin");
        Assert.Equal(0, ProcessRunner.Run("mkfifo", [fifo], TimeSpan.FromSeconds(10)).ExitCode);

        Request("pipe.bin");
        (byte[] reply, _) = Receive(TimeSpan.FromSeconds(2));
        Assert.Equal(TftpErrorCode.AccessViolation, TftpPacket.ReadError(reply, reply.Length, out string message));
        Assert.Equal("Only regular files are served.", message);

        var (_, destination) = _server.Download("image.bin", EmbeddedServer.Settings());
        Assert.Equal(10_000, destination.Position);
    }

    [Fact]
    public void ErrorsToAFloodOfBadRequestsAreRateLimited()
    {
        byte[] bad = [0, 1, (byte)'x'];
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < 500; i++)
        {
            _client.SendTo(bad, _server.EndPoint);
        }

        int replies = 0;
        while (_client.Poll(TimeSpan.FromMilliseconds(300), SelectMode.SelectRead))
        {
            _client.Receive(_buffer);
            replies++;
        }

        int budget = new TftpServerSettings().MaxErrorsPerSecond * ((int)Math.Ceiling(watch.Elapsed.TotalSeconds) + 1);
        Assert.InRange(replies, 1, budget);
    }

    public void Dispose()
    {
        _client.Dispose();
        _server.Dispose();
    }

    private void Request(string name, params string[] options)
    {
        var packet = new List<byte> { 0, 1 };
        foreach (string field in new[] { name, "octet" }.Concat(options))
        {
            packet.AddRange(Encoding.ASCII.GetBytes(field));
            packet.Add(0);
        }

        _client.SendTo(packet.ToArray(), _server.EndPoint);
    }

    // The listener reads its socket in order: once it has answered a request sent after everything
    // sent so far, it has handled all of that too, however loaded the machine is.
    private void DrainListener()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        probe.SendTo([0, 1, .. Encoding.ASCII.GetBytes("no-such-file"), 0, .. Encoding.ASCII.GetBytes("octet"), 0], _server.EndPoint);
        Assert.True(probe.Poll(TimeSpan.FromSeconds(5), SelectMode.SelectRead), "the listener did not answer");
    }

    private void Acknowledge(int block, IPEndPoint transfer) =>
        _client.SendTo(_buffer[..TftpPacket.WriteAcknowledgement(_buffer, block)], transfer);

    private (byte[] Packet, IPEndPoint From) Receive(TimeSpan? wait = null)
    {
        Assert.True(_client.Poll(wait ?? TimeSpan.FromSeconds(5), SelectMode.SelectRead), "nothing arrived");
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        int length = _client.ReceiveFrom(_buffer, ref from);
        return (_buffer[..length], (IPEndPoint)from);
    }
}
