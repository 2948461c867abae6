using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TftpNano.Cli.Net;
using TftpNano.Host.Net;
using TftpNano.Host.Relay;
using TftpNano.Protocol;
using TftpNano.Tests.Support;
using TftpNano.Transfer;

namespace TftpNano.Tests.Transfer;

/// <summary>
/// The retransmission timeout a download asks a lock-step server for (tftpd-hpa's utimeout): what is
/// asked, what a refusal costs, and what the server then does, against the real tftpd-hpa.
/// </summary>
public sealed class ServerTimeoutTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly Socket _requests = Bound();
    private readonly Socket _transfer = Bound();
    private readonly byte[] _buffer = new byte[2048];
    private readonly string _root = Directory.CreateTempSubdirectory("tftpnano-utimeout-").FullName;

    public void Dispose()
    {
        _requests.Dispose();
        _transfer.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void AServerThatRefusesUtimeoutIsAskedAtOnceWithTheOtherOptionsAndNotAskedForItAgain()
    {
        var download = new TftpDownload(HostUdpTransportFactory.Instance, new TftpDownloadSettings { BlockSize = 1024, WindowSize = 4 });
        Task<long> first = Task.Run(() => download.Run(Server, "image.bin", new MemoryStream()));

        (IPEndPoint client, TftpOptions asked) = ReceiveRequest();
        Assert.Equal(80000, asked.TimeoutMicroseconds);
        Send(client, Error(TftpErrorCode.OptionNegotiationFailed, "Unsupported option(s) requested"));

        (client, asked) = ReceiveRequest();
        Assert.Equal((1024, 4, 1, 0), (asked.BlockSize, asked.WindowSize, asked.TimeoutSeconds, asked.TimeoutMicroseconds));
        ServeOneShortBlock(client, "blksize", "1024", "windowsize", "4");
        Assert.Equal(10, Finished(first));
        Assert.False(download.Statistics.FellBackToPlainRequest);
        Assert.Equal(1024, download.BlockSize);

        Task<long> second = Task.Run(() => download.Run(Server, "image.bin", new MemoryStream()));
        (client, asked) = ReceiveRequest();
        Assert.Equal(0, asked.TimeoutMicroseconds);
        Assert.Equal(1024, asked.BlockSize);
        ServeOneShortBlock(client, "blksize", "1024");
        Assert.Equal(10, Finished(second));
    }

    [Fact]
    public void WithoutTheSettingNoUtimeoutIsAsked()
    {
        var download = new TftpDownload(HostUdpTransportFactory.Instance, new TftpDownloadSettings { ShortServerTimeout = false });
        Task<long> run = Task.Run(() => download.Run(Server, "image.bin", new MemoryStream()));
        (IPEndPoint client, TftpOptions asked) = ReceiveRequest();
        Assert.Equal(0, asked.TimeoutMicroseconds);
        Assert.Equal(1, asked.TimeoutSeconds);
        ServeOneShortBlock(client, "blksize", "1468");
        Assert.Equal(10, Finished(run));
    }

    [PeerFact(Peers.TftpdHpa)]
    public void TftpdHpaGrantsItAndTheNextTransferAsksFromWhatTheFirstMeasured()
    {
        using PeerServer tftpd = PeerServer.Start(Peers.TftpdHpa, _root, _root);
        TestContent.WriteFile(_root, "f", 100 * 1024);
        var download = new TftpDownload(HostUdpTransportFactory.Instance, new TftpDownloadSettings());

        var destination = new VerifyingStream();
        download.Run(tftpd.EndPoint, "f", destination);
        Assert.Equal(-1, destination.FirstMismatch);
        Assert.Equal(1, download.WindowSize);
        Assert.Equal(80, download.Statistics.ServerTimeoutMs);

        // Twice the first transfer's round-trip timeout and slowest write, 80 ms at least.
        download.Run(tftpd.EndPoint, "f", new VerifyingStream());
        Assert.InRange(download.Statistics.ServerTimeoutMs, 80, 999);
    }

    [PeerFact(Peers.TftpdHpa)]
    public void ALostBlockIsResentByTftpdHpaAfterTheShortTimeoutNotAfterASecond()
    {
        using PeerServer tftpd = PeerServer.Start(Peers.TftpdHpa, _root, _root);
        TestContent.WriteFile(_root, "f", 20 * 1468);

        // The fifth DATA of each transfer is lost once: recovering it is the server's timer alone, since
        // tftpd-hpa ignores the repeated ACKs the client sends meanwhile.
        TimeSpan asked = TimeToRecoverALostBlock(tftpd.EndPoint, new TftpDownloadSettings(), out TftpDownload fast);
        TimeSpan plain = TimeToRecoverALostBlock(tftpd.EndPoint, new TftpDownloadSettings { ShortServerTimeout = false }, out TftpDownload slow);

        Assert.Equal(80, fast.Statistics.ServerTimeoutMs);
        Assert.Equal(0, slow.Statistics.ServerTimeoutMs);
        Assert.True(plain >= TimeSpan.FromSeconds(1), $"tftpd-hpa's own timer is a second; the transfer took {plain.TotalMilliseconds:0} ms");
        Assert.True(asked < TimeSpan.FromMilliseconds(800), $"the lost block took {asked.TotalMilliseconds:0} ms to come again");
    }

    [PeerFact(Peers.TftpdHpa)]
    public void ADestinationThatWritesSlowlyGetsATimeoutThatCoversItsWrites()
    {
        using PeerServer tftpd = PeerServer.Start(Peers.TftpdHpa, _root, _root);
        TestContent.WriteFile(_root, "f", 40 * 1468);
        var download = new TftpDownload(HostUdpTransportFactory.Instance, new TftpDownloadSettings());

        // 25 ms per block, half the timeout asked before anything is measured: no block is resent.
        var first = new SlowStream(TimeSpan.FromMilliseconds(25));
        download.Run(tftpd.EndPoint, "f", first);
        Assert.Equal(80, download.Statistics.ServerTimeoutMs);
        Assert.InRange(download.Statistics.SlowestWriteMs, 25, 1000);

        // The next transfer asks for twice the round-trip timeout and the slowest write, and the server
        // resends nothing that was not lost.
        download.Run(tftpd.EndPoint, "f", new SlowStream(TimeSpan.FromMilliseconds(25)));
        Assert.InRange(download.Statistics.ServerTimeoutMs, 2 * (10 + 25), 999);
        Assert.Equal(0, download.Statistics.DuplicateBlocks);
        Assert.Equal(40 * 1468, first.Length);
    }

    private static TimeSpan TimeToRecoverALostBlock(IPEndPoint server, TftpDownloadSettings settings, out TftpDownload download)
    {
        int data = 0;
        var link = LinkProfile.Parse("delay=0ms");
        using var relay = new LinkEmulator(server, link, link, seed: 1)
        {
            Drop = (packet, toServer) => !toServer && packet.Length > 4 && packet.Span[1] == (byte)TftpOpcode.Data && Interlocked.Increment(ref data) == 5,
        };
        relay.Start();
        download = new TftpDownload(HostUdpTransportFactory.Instance, settings);
        var destination = new VerifyingStream();
        var clock = Stopwatch.StartNew();
        download.Run(relay.LocalEndPoint, "f", destination);
        Assert.Equal(-1, destination.FirstMismatch);
        Assert.Equal(20 * 1468, destination.Position);
        return clock.Elapsed;
    }

    private static long Finished(Task<long> run)
    {
        Assert.True(run.Wait(Wait), "the download did not end");
        return run.Result;
    }

    private IPEndPoint Server => (IPEndPoint)_requests.LocalEndPoint!;

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private (IPEndPoint From, TftpOptions Options) ReceiveRequest()
    {
        Assert.True(_requests.Poll(Wait, SelectMode.SelectRead), "no request arrived");
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        int length = _requests.ReceiveFrom(_buffer, ref from);
        return ((IPEndPoint)from, TftpPacket.ReadRequest(_buffer, length).Options);
    }

    // An OACK with the given options, then one DATA block of ten bytes: the whole file.
    private void ServeOneShortBlock(IPEndPoint client, params string[] granted)
    {
        var oack = new List<byte> { 0, 6 };
        foreach (string field in granted)
        {
            oack.AddRange(Encoding.ASCII.GetBytes(field));
            oack.Add(0);
        }

        Send(client, [.. oack]);
        Assert.Equal(new byte[] { 0, 4, 0, 0 }, Receive());
        Send(client, [0, 3, 0, 1, .. new byte[10]]);
        Assert.Equal(new byte[] { 0, 4, 0, 1 }, Receive());
    }

    private static byte[] Error(TftpErrorCode code, string message)
    {
        byte[] packet = new byte[message.Length + 5];
        return packet[..TftpPacket.WriteError(packet, code, message)];
    }

    private void Send(IPEndPoint to, byte[] packet) => _transfer.SendTo(packet, to);

    private byte[] Receive()
    {
        Assert.True(_transfer.Poll(Wait, SelectMode.SelectRead), "nothing arrived");
        int length = _transfer.Receive(_buffer);
        return _buffer[..length];
    }

    /// <summary>A destination that takes its time over every write, as a slow card does.</summary>
    private sealed class SlowStream(TimeSpan perWrite) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            Thread.Sleep(perWrite);
            base.Write(buffer, offset, count);
        }
    }
}
