using System.Net;
using System.Net.Sockets;
using System.Text;
using TftpNano.Cli.Net;
using TftpNano.Host.Net;
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
        Send(from, [0, 3, 0, 1, .. new byte[512]]);
        Assert.Equal(new byte[] { 0, 4, 0, 1 }, Receive(_transfer));
        Send(from, [0, 4, 0, 1]);

        Assert.Equal(TftpFailure.MalformedPacket, Failure(client).Failure);
        AssertError(Receive(_transfer), TftpErrorCode.IllegalOperation);
    }

    [Fact]
    public void WhatCannotAnswerTheRequestIsAStrangersDatagram()
    {
        // An ACK is no answer to a read request: it gets ERROR 5, and the real answer is still taken.
        BackgroundDownload client = StartDownload(new TftpDownloadSettings { UseOptions = false });
        IPEndPoint from = ReceiveRequest();
        Send(from, [0, 4, 0, 1]);
        AssertError(Receive(_transfer), TftpErrorCode.UnknownTransferId);

        Send(from, [0, 3, 0, 1, 7]);
        Assert.Equal(new byte[] { 0, 4, 0, 1 }, Receive(_transfer));
        Assert.True(client.Join(Wait));
        Assert.Null(client.Error);
        Assert.Equal(1, client.Bytes);
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

    [Fact]
    public void ADatagramFromAnotherPortOfTheServerCannotTakeOverTheRequest()
    {
        // Only an OACK, DATA 1 or an ERROR can answer a request: a DATA 0 from another port of the
        // server's address, spoofed or left over, is a stranger's, and the real answer is still taken.
        using Socket other = Bound(IPAddress.Loopback);
        BackgroundDownload client = StartDownload(new TftpDownloadSettings { BlockSize = 512, WindowSize = 1 });
        IPEndPoint from = ReceiveRequest();
        other.SendTo([0, 3, 0, 0, 1, 2, 3], from);
        AssertError(Receive(other), TftpErrorCode.UnknownTransferId);

        Send(from, Packet(6, "blksize", "512"));
        Assert.Equal(new byte[] { 0, 4, 0, 0 }, Receive(_transfer));
        Send(from, [0, 3, 0, 1, 9, 8, 7]);
        Assert.Equal(new byte[] { 0, 4, 0, 1 }, Receive(_transfer));
        Assert.True(client.Join(Wait));
        Assert.Null(client.Error);
        Assert.Equal(3, client.Bytes);
    }

    [Fact]
    public void AnErrorFromAStrangerIsNotAnswered()
    {
        using Socket other = Bound(IPAddress.Loopback);
        BackgroundDownload client = StartDownload(new TftpDownloadSettings { UseOptions = false });
        IPEndPoint from = ReceiveRequest();
        Send(from, [0, 3, 0, 1, .. new byte[512]]);
        Assert.Equal(new byte[] { 0, 4, 0, 1 }, Receive(_transfer));

        other.SendTo([0, 5, 0, 1, .. Encoding.ASCII.GetBytes("not yours"), 0], from);
        Send(from, [0, 3, 0, 2, 5]);
        Assert.Equal(new byte[] { 0, 4, 0, 2 }, Receive(_transfer));
        Assert.True(client.Join(Wait));
        Assert.Null(client.Error);
        Assert.False(other.Poll(TimeSpan.FromMilliseconds(300), SelectMode.SelectRead), "an ERROR was answered");
    }

    [Fact]
    public void AStaleErrorForARetransmittedRequestDoesNotFailTheFallback()
    {
        // A slow server answers both copies of the options request with ERROR 8, each from a new port.
        // The second ERROR arrives after the client fell back to a plain request: it must not be taken
        // for the answer to that request, which comes from a socket of its own.
        using Socket first = Bound(IPAddress.Loopback);
        using Socket second = Bound(IPAddress.Loopback);
        BackgroundDownload client = StartDownload(new TftpDownloadSettings { InitialTimeoutMs = 100 });
        IPEndPoint optionsFrom = ReceiveRequest();
        Assert.Equal(optionsFrom, ReceiveRequest());
        first.SendTo([0, 5, 0, 8, .. Encoding.ASCII.GetBytes("no options"), 0], optionsFrom);

        IPEndPoint plainFrom = ReceiveRequest();
        Assert.NotEqual(optionsFrom, plainFrom);
        second.SendTo([0, 5, 0, 8, .. Encoding.ASCII.GetBytes("no options"), 0], optionsFrom);
        Thread.Sleep(100);
        Send(plainFrom, [0, 3, 0, 1, 4, 5, 6, 7]);
        Assert.Equal(new byte[] { 0, 4, 0, 1 }, Receive(_transfer));
        Assert.True(client.Join(Wait));
        Assert.Null(client.Error);
        Assert.Equal(4, client.Bytes);
    }

    [Fact]
    public void AServerThatRepeatsALaterBlockForeverIsGivenUp()
    {
        // Each repeat of block 3 is a gap (block 2 is missing) and re-arms the timer, so the timeout
        // limit is never reached: the bound is on restarts without a byte written.
        var settings = new TftpDownloadSettings { BlockSize = 512, WindowSize = 4, InitialTimeoutMs = 200 };
        BackgroundDownload client = StartDownload(settings);
        IPEndPoint from = ReceiveRequest();
        Send(from, Packet(6, "blksize", "512", "windowsize", "4"));
        Assert.Equal(new byte[] { 0, 4, 0, 0 }, Receive(_transfer));
        Send(from, [0, 3, 0, 1, .. new byte[512]]);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!client.Join(TimeSpan.FromMilliseconds(10)) && watch.Elapsed < TimeSpan.FromSeconds(20))
        {
            Send(from, [0, 3, 0, 3, .. new byte[512]]);
        }

        TftpException e = Failure(client);
        Assert.Equal(TftpFailure.TimedOut, e.Failure);
        Assert.Contains("no progress", e.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"gave up after {watch.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void AServerThatTricklesBlocksIsGivenUp()
    {
        // One 512-byte block every 300 ms keeps every timer happy; 1,706 bytes a second is below the
        // 4,096 asked for over each 2-second span.
        var settings = new TftpDownloadSettings { UseOptions = false, MinBytesPerSecond = 4096, ThroughputWindowSeconds = 2 };
        BackgroundDownload client = StartDownload(settings);
        TimeSpan elapsed = FeedFullBlocksUntilTheClientEnds(client, ReceiveRequest(), TimeSpan.FromMilliseconds(300));

        TftpException e = Failure(client);
        Assert.Equal(TftpFailure.TimedOut, e.Failure);
        Assert.Contains("too slow", e.Message);
        Assert.InRange(elapsed.TotalSeconds, 1.9, 5);
    }

    [Fact]
    public void ATransferThatOutlastsItsTimeLimitIsGivenUp()
    {
        var settings = new TftpDownloadSettings { UseOptions = false, TransferTimeLimitSeconds = 1 };
        BackgroundDownload client = StartDownload(settings);
        TimeSpan elapsed = FeedFullBlocksUntilTheClientEnds(client, ReceiveRequest(), TimeSpan.FromMilliseconds(50));

        TftpException e = Failure(client);
        Assert.Equal(TftpFailure.TimedOut, e.Failure);
        Assert.Contains("took longer than 1 s", e.Message);
        Assert.InRange(elapsed.TotalSeconds, 0.9, 3);
    }

    // Plays a lock-step server that sends the next full 512-byte block every interval, for at most
    // 20 s; returns how long it went on before the client ended.
    private TimeSpan FeedFullBlocksUntilTheClientEnds(BackgroundDownload client, IPEndPoint to, TimeSpan interval)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int block = 1; !client.Join(interval) && watch.Elapsed < TimeSpan.FromSeconds(20); block++)
        {
            Send(to, [0, 3, (byte)(block >> 8), (byte)block, .. new byte[512]]);
        }

        return watch.Elapsed;
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
                    Bytes = new TftpDownload(HostUdpTransportFactory.Instance, settings).Run(server, "image.bin", new MemoryStream());
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
