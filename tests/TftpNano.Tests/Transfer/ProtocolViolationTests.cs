using System.Net;
using System.Net.Sockets;
using System.Text;
using TftpNano.Cli.Net;
using TftpNano.Protocol;
using TftpNano.Transfer;

namespace TftpNano.Tests.Transfer;

/// <summary>
/// The engine against a hand-driven peer that breaks the protocol in ways no real server does on purpose.
/// </summary>
public sealed class ProtocolViolationTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly Socket _requests = Bound(IPAddress.Loopback);
    private readonly Socket _transfer = Bound(IPAddress.Loopback);
    private readonly byte[] _buffer = new byte[2048];

    public void Dispose()
    {
        _requests.Dispose();
        _transfer.Dispose();
    }

    private IPEndPoint Server => (IPEndPoint)_requests.LocalEndPoint!;

    [Fact]
    public void OversizedDataIsRefusedWithErrorFour()
    {
        BackgroundDownload client = StartDownload(new TftpDownloadSettings { BlockSize = 512, WindowSize = 1 });
        IPEndPoint from = ReceiveRequest();
        Send(from, Packet(6, "blksize", "512"));
        Assert.Equal(new byte[] { 0, 4, 0, 0 }, Receive(_transfer));
        Send(from, [0, 3, 0, 1, .. new byte[513]]);

        TftpException e = Failure(client);
        Assert.Equal(TftpFailure.MalformedPacket, e.Failure);
        Assert.Contains("513", e.Message);
        AssertError(Receive(_transfer), TftpErrorCode.IllegalOperation);
    }

    [Fact]
    public void OptionThatWasNotRequestedIsRefusedWithErrorEight()
    {
        BackgroundDownload client = StartDownload(new TftpDownloadSettings());
        IPEndPoint from = ReceiveRequest();
        Send(from, Packet(6, "blksize", "512", "x-color", "red"));

        TftpException e = Failure(client);
        Assert.Equal(TftpFailure.OptionsRefused, e.Failure);
        Assert.Contains("x-color", e.Message);
        AssertError(Receive(_transfer), TftpErrorCode.OptionNegotiationFailed);
    }

    [Fact]
    public void MalformedOptionAcknowledgementIsRefusedWithErrorEight()
    {
        BackgroundDownload client = StartDownload(new TftpDownloadSettings());
        IPEndPoint from = ReceiveRequest();
        Send(from, [0, 6, .. Encoding.ASCII.GetBytes("blksize"), 0]);

        Assert.Equal(TftpFailure.OptionsRefused, Failure(client).Failure);
        AssertError(Receive(_transfer), TftpErrorCode.OptionNegotiationFailed);
    }

    [Fact]
    public void OptionAcknowledgementToAPlainRequestIsRefused()
    {
        BackgroundDownload client = StartDownload(new TftpDownloadSettings { UseOptions = false });
        IPEndPoint from = ReceiveRequest();
        Send(from, Packet(6, "blksize", "512"));

        Assert.Equal(TftpFailure.OptionsRefused, Failure(client).Failure);
        AssertError(Receive(_transfer), TftpErrorCode.OptionNegotiationFailed);
    }

    [Fact]
    public void UnexpectedOpcodeEndsTheTransferWithErrorFour()
    {
        BackgroundDownload client = StartDownload(new TftpDownloadSettings { UseOptions = false });
        IPEndPoint from = ReceiveRequest();
        Send(from, [0, 4, 0, 1]);

        Assert.Equal(TftpFailure.MalformedPacket, Failure(client).Failure);
        AssertError(Receive(_transfer), TftpErrorCode.IllegalOperation);
    }

    [Fact]
    public void ServerThatNeverAnswersGetsTheRequestRetransmittedThenAClearFailure()
    {
        var settings = new TftpDownloadSettings { InitialTimeoutMs = 20, MaxRetries = 3 };
        BackgroundDownload client = StartDownload(settings);

        TftpException e = Failure(client);
        Assert.Equal(TftpFailure.TimedOut, e.Failure);
        Assert.Contains(Server.ToString(), e.Message);
        Assert.Contains("'image.bin'", e.Message);
        Assert.Contains("the request", e.Message);

        int requests = 0;
        while (_requests.Poll(TimeSpan.FromMilliseconds(100), SelectMode.SelectRead))
        {
            int length = _requests.Receive(_buffer);
            Assert.Equal(TftpOpcode.ReadRequest, TftpPacket.ReadOpcode(_buffer, length));
            requests++;
        }

        Assert.Equal(settings.MaxRetries + 1, requests);
    }

    [Fact]
    public void ReplyFromAnotherAddressGetsErrorFiveAndTheRealServerIsKept()
    {
        using Socket impostor = Bound(IPAddress.Parse("127.0.0.2"));
        BackgroundDownload client = StartDownload(new TftpDownloadSettings { UseOptions = false });
        IPEndPoint from = ReceiveRequest();

        impostor.SendTo([0, 3, 0, 1, 1, 2, 3], from);
        AssertError(Receive(impostor), TftpErrorCode.UnknownTransferId);

        Send(from, [0, 3, 0, 1, 9, 8, 7]);
        Assert.Equal(new byte[] { 0, 4, 0, 1 }, Receive(_transfer));
        Assert.True(client.Join(Wait));
        Assert.Null(client.Error);
        Assert.Equal(3, client.Bytes);
    }

    private static Socket Bound(IPAddress address)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(address, 0));
        return socket;
    }

    private static byte[] Packet(int opcode, params string[] fields)
    {
        var bytes = new List<byte> { 0, (byte)opcode };
        foreach (string field in fields)
        {
            bytes.AddRange(Encoding.ASCII.GetBytes(field));
            bytes.Add(0);
        }

        return bytes.ToArray();
    }

    private static void AssertError(byte[] packet, TftpErrorCode expected)
    {
        Assert.Equal(TftpOpcode.Error, TftpPacket.ReadOpcode(packet, packet.Length));
        Assert.Equal(expected, TftpPacket.ReadError(packet, packet.Length, out _));
    }

    private static TftpException Failure(BackgroundDownload client)
    {
        Assert.True(client.Join(Wait), "the download did not end");
        return Assert.IsType<TftpException>(client.Error);
    }

    private BackgroundDownload StartDownload(TftpDownloadSettings settings)
    {
        settings.MinTimeoutMs = Math.Min(settings.InitialTimeoutMs, 100);
        return new BackgroundDownload(Server, settings);
    }

    private IPEndPoint ReceiveRequest()
    {
        Assert.True(_requests.Poll(Wait, SelectMode.SelectRead), "no request arrived");
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        int length = _requests.ReceiveFrom(_buffer, ref from);
        Assert.Equal(TftpOpcode.ReadRequest, TftpPacket.ReadRequest(_buffer, length).Opcode);
        return (IPEndPoint)from;
    }

    private void Send(IPEndPoint to, byte[] packet) => _transfer.SendTo(packet, to);

    private byte[] Receive(Socket socket)
    {
        Assert.True(socket.Poll(Wait, SelectMode.SelectRead), "nothing arrived");
        int length = socket.Receive(_buffer);
        return _buffer[..length];
    }

    /// <summary>A download on its own thread, so that the test can play the server meanwhile.</summary>
    private sealed class BackgroundDownload
    {
        private readonly Thread _thread;

        public BackgroundDownload(IPEndPoint server, TftpDownloadSettings settings)
        {
            _thread = new Thread(() =>
            {
                try
                {
                    using var transport = new HostUdpTransport(AddressFamily.InterNetwork);
                    Bytes = new TftpDownload(transport, settings).Run(server, "image.bin", new MemoryStream());
                }
                catch (Exception e)
                {
                    Error = e;
                }
            });
            _thread.Start();
        }

        public long Bytes { get; private set; }

        public Exception? Error { get; private set; }

        public bool Join(TimeSpan timeout) => _thread.Join(timeout);
    }
}
