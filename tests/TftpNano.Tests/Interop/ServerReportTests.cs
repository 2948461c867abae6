using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using TftpNano.Host.Server;
using TftpNano.Protocol;
using TftpNano.Tests.Support;
using TftpNano.Transfer;
using TftpNano.Update;

namespace TftpNano.Tests.Interop;

/// <summary>
/// <c>serve --reports</c>: the one writable folder of the served tree. Devices' reports are taken, from
/// our own sender and from curl, and every other write, an oversized or cut-off report and a flood
/// of requests are refused or capped, while the served release stays byte for byte as it was and
/// reads go on.
/// </summary>
public sealed class ServerReportTests : IDisposable
{
    private const string Release = "fw/stable/image.bin";
    private const string OnlyReports = "Only reports/<device id> can be written.";
    private readonly Workspace _workspace = new();
    private readonly string _root;
    private readonly TftpServer _server;
    private readonly string _releaseDigest;

    public ServerReportTests()
    {
        _root = _workspace.Folder("served");
        Directory.CreateDirectory(Path.Combine(_root, "fw", "stable"));
        TestContent.WriteFile(Path.Combine(_root, "fw", "stable"), "image.bin", 100 * 1024);
        _releaseDigest = Digest(Path.Combine(_root, Release));
        _server = new TftpServer(_root, new IPEndPoint(IPAddress.Loopback, 0), new TftpServerSettings
        {
            ReportsFolder = DeviceReport.Folder,
            DefaultTimeout = TimeSpan.FromMilliseconds(200),
            MaxSilence = TimeSpan.FromSeconds(1),
        });
        _server.Start();
    }

    private string Reports => Path.Combine(_root, DeviceReport.Folder);

    public void Dispose()
    {
        _server.Dispose();
        _workspace.Dispose();
    }

    [Fact]
    public void AReportIsWrittenWholeAndTheNextOneReplacesIt()
    {
        byte[] first = Report("dev-01", "1.0.0");
        Upload("dev-01", first);
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(Reports, "dev-01")));

        // Over one block: the sender's lock-step and the server's ACKs carry it in order.
        byte[] second = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(Report("dev-01", "2.0.0")) + new string('x', 1500));
        Upload("dev-01", second);
        Assert.Equal(second, File.ReadAllBytes(Path.Combine(Reports, "dev-01")));
        Assert.Equal(["dev-01"], Directory.GetFiles(Reports).Select(Path.GetFileName));
        AssertReleaseUnchangedAndServed();
    }

    [PeerFact(Peers.Curl)]
    public void CurlWritesAReportWithItsOptions()
    {
        string file = Path.Combine(_workspace.Root, "report.txt");
        byte[] report = Report("curl-01", "1.0.0");
        File.WriteAllBytes(file, report);

        // curl asks for blksize and tsize on a write; a report of under 4 KiB fits one block.
        ProcessResult curl = ProcessRunner.Run(Peers.Require(Peers.Curl),
            ["-sS", "--tftp-blksize", "1024", "-T", file, $"tftp://127.0.0.1:{_server.LocalEndPoint.Port}/reports/curl-01"], TimeSpan.FromSeconds(30));
        Assert.True(curl.ExitCode == 0, curl.StandardError);
        Assert.Equal(report, File.ReadAllBytes(Path.Combine(Reports, "curl-01")));
        AssertReleaseUnchangedAndServed();
    }

    [Theory]
    [InlineData("../x", OnlyReports)]
    [InlineData("reports/../x", OnlyReports)]
    [InlineData("reports/a/b", OnlyReports)]
    [InlineData("reports/a b", OnlyReports)]
    [InlineData("reports/\u00e9t\u00e9", "The file name contains the non-ASCII byte 0xC3.")]
    [InlineData("reports/.hidden", OnlyReports)]
    [InlineData("reports/", OnlyReports)]
    [InlineData("reports", OnlyReports)]
    [InlineData("x", OnlyReports)]
    [InlineData("/reports/dev-01", OnlyReports)]
    [InlineData(Release, OnlyReports)]
    public void AWriteOutsideTheReportsOfValidDeviceIdsIsRefused(string name, string says)
    {
        using Socket client = Client();
        (TftpOpcode opcode, string message) = Request(client, name, "octet");

        Assert.Equal(TftpOpcode.Error, opcode);
        Assert.Equal(says, message);
        Assert.Empty(Directory.GetFileSystemEntries(Reports));
        AssertReleaseUnchangedAndServed();
    }

    [Fact]
    public void NetasciiIsRefusedAndAServerWithoutReportsIsReadOnly()
    {
        using (Socket netascii = Client())
        {
            Assert.Equal((TftpOpcode.Error, "Only octet mode is served."), Request(netascii, "reports/dev-01", "netascii"));
        }


        using var readOnly = new TftpServer(_root, new IPEndPoint(IPAddress.Loopback, 0));
        readOnly.Start();
        using Socket client = Client();
        Assert.Equal((TftpOpcode.Error, "This server is read-only."), Request(client, "reports/dev-01", "octet", readOnly.LocalEndPoint));
        Assert.Empty(Directory.GetFileSystemEntries(Reports));
        AssertReleaseUnchangedAndServed();
    }

    [Fact]
    public void AReportOverFourKibibytesIsRefusedAndThePreviousOneStays()
    {
        byte[] whole = Report("dev-02", "1.0.0");
        Upload("dev-02", whole);

        var refused = Assert.Throws<TftpException>(() => Upload("dev-02", new byte[DeviceReport.MaxLength + 1]));
        Assert.Equal(TftpErrorCode.DiskFull, refused.ErrorCode);
        Assert.Contains("A report is at most 4096 bytes.", refused.Message, StringComparison.Ordinal);

        // Announced with tsize: refused before any block.
        using Socket client = Client();
        Assert.Equal((TftpOpcode.Error, "A report is at most 4096 bytes."),
            Request(client, "reports/dev-02", "octet", options: new TftpOptions { TransferSize = 5000 }));

        Assert.Equal(whole, File.ReadAllBytes(Path.Combine(Reports, "dev-02")));
        Assert.Equal(["dev-02"], Directory.GetFileSystemEntries(Reports).Select(Path.GetFileName));
        AssertReleaseUnchangedAndServed();
    }

    [Fact]
    public void AReportCutOffMidTransferLeavesThePreviousOneWhole()
    {
        byte[] whole = Report("dev-03", "1.0.0");
        Upload("dev-03", whole);

        // The server ends that transfer after dallying for a repeated final block.
        Assert.True(_server.WaitForFinishedTransfers(1, TimeSpan.FromSeconds(10)));
        int finished = _server.FinishedTransfers.Count;

        // A full first block, acknowledged, and then nothing more: the device lost power.
        using (Socket client = Client())
        {
            Assert.Equal((TftpOpcode.Acknowledgement, ""), Request(client, "reports/dev-03", "octet"));
            byte[] block = new byte[TftpPacket.DataHeaderLength + TftpPacket.DefaultBlockSize];
            TftpPacket.WriteDataHeader(block, 1);
            block.AsSpan(TftpPacket.DataHeaderLength).Fill((byte)'y');
            client.SendTo(block, _lastTransfer!);
            Assert.Equal(TftpOpcode.Acknowledgement, Receive(client, out _));
        }

        Assert.True(_server.WaitForFinishedTransfers(finished + 1, TimeSpan.FromSeconds(10)));
        TransferRecord cut = Assert.Single(_server.FinishedTransfers.Skip(finished));
        Assert.False(cut.Completed);
        Assert.Equal(whole, File.ReadAllBytes(Path.Combine(Reports, "dev-03")));
        Assert.Equal(["dev-03"], Directory.GetFileSystemEntries(Reports).Select(Path.GetFileName));
        AssertReleaseUnchangedAndServed();
    }

    [Fact]
    public void AThousandWriteRequestsFromOneClientAreCappedAndWriteNothing()
    {
        // 125 ports of one address, eight rounds: each request from a port starts that port's transfer
        // over, so at most the per-client cap of them run at once, and none sends a block.
        var settings = new TftpServerSettings();
        Socket[] ports = Enumerable.Range(0, 125).Select(_ => Client("127.0.8.2")).ToArray();
        int accepted = 0;
        int busy = 0;
        try
        {
            for (int round = 0; round < 8; round++)
            {
                for (int i = 0; i < ports.Length; i++)
                {
                    Send(ports[i], $"reports/flood-{round}-{i}", "octet", null, _server.LocalEndPoint);
                }

                Thread.Sleep(100);
                foreach (Socket port in ports)
                {
                    byte[] buffer = new byte[600];
                    while (port.Available > 0)
                    {
                        int length = port.Receive(buffer);
                        TftpOpcode opcode = TftpPacket.ReadOpcode(buffer, length);
                        if (opcode == TftpOpcode.Acknowledgement)
                        {
                            accepted++;
                        }
                        else
                        {
                            TftpPacket.ReadAnyError(buffer, length, out string message);
                            Assert.Equal((TftpOpcode.Error, "Server busy."), (opcode, message));
                            busy++;
                        }
                    }
                }

                Assert.True(accepted <= settings.MaxTransfersPerClient * (round + 1), $"{accepted} transfers accepted by round {round}");

                // Reads go on meanwhile, for another client.
                AssertReleaseUnchangedAndServed();
            }
        }
        finally
        {
            Array.ForEach(ports, p => p.Dispose());
        }

        Assert.InRange(accepted, 1, settings.MaxTransfersPerClient * 8);
        Assert.True(busy > 0);
        Assert.Empty(Directory.GetFileSystemEntries(Reports));
    }

    private static byte[] Report(string id, string release)
    {
        var report = new DeviceReport { DeviceId = id, Event = "boot", Release = release, Confirmed = true, Outcome = UpdateOutcome.UpToDate };
        return report.ToBytes();
    }

    private void Upload(string id, byte[] content) =>
        new UploadRun(TftpNano.Host.Net.HostUdpTransportFactory.Instance, _server.LocalEndPoint, $"reports/{id}", 200, 10).Execute(content, content.Length, 5000);

    private void AssertReleaseUnchangedAndServed()
    {
        Assert.Equal(_releaseDigest, Digest(Path.Combine(_root, Release)));
        var destination = new VerifyingStream();
        new TftpDownload(new BoundTransports(IPAddress.Parse("127.0.8.9")), new TftpDownloadSettings()).Run(_server.LocalEndPoint, Release, destination);
        Assert.Equal((100 * 1024, -1L), (destination.Position, destination.FirstMismatch));
    }

    private static string Digest(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static Socket Client(string address = "127.0.0.1")
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
        socket.ReceiveTimeout = 5000;
        return socket;
    }

    // Where the last answered request's transfer lives: the server answers from a new port.
    private EndPoint? _lastTransfer;

    private (TftpOpcode Opcode, string Message) Request(Socket client, string name, string mode, IPEndPoint? server = null, TftpOptions? options = null)
    {
        Send(client, name, mode, options, server ?? _server.LocalEndPoint);
        TftpOpcode opcode = Receive(client, out string message);
        return (opcode, message);
    }

    private TftpOpcode Receive(Socket client, out string message)
    {
        byte[] buffer = new byte[600];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        int length = client.ReceiveFrom(buffer, ref from);
        _lastTransfer = from;
        TftpOpcode opcode = TftpPacket.ReadOpcode(buffer, length);
        message = "";
        if (opcode == TftpOpcode.Error)
        {
            TftpPacket.ReadAnyError(buffer, length, out message);
        }

        return opcode;
    }

    // Written byte by byte, so that names no encoder of ours would write reach the server as sent.
    private static void Send(Socket client, string name, string mode, TftpOptions? options, IPEndPoint server)
    {
        var request = new List<byte> { 0, (byte)TftpOpcode.WriteRequest };
        request.AddRange(Encoding.UTF8.GetBytes(name));
        request.Add(0);
        request.AddRange(Encoding.ASCII.GetBytes(mode));
        request.Add(0);
        if (options?.TransferSize >= 0)
        {
            request.AddRange(Encoding.ASCII.GetBytes($"tsize\0{options.TransferSize}\0"));
        }

        client.SendTo(request.ToArray(), server);
    }
}
