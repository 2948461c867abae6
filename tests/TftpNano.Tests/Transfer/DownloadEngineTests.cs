using TftpNano.Cli.Net;
using TftpNano.Host.Net;
using TftpNano.Host.Server;
using TftpNano.Protocol;
using TftpNano.Tests.Support;
using TftpNano.Transfer;

namespace TftpNano.Tests.Transfer;

/// <summary>
/// The download engine against the embedded server, with scripted faults. Each test checks every byte
/// written and counts what each side sent.
/// </summary>
public class DownloadEngineTests
{
    private static Func<OutgoingPacket, FaultAction> OnFirstSendOf(int block, FaultAction action) =>
        p => p.Opcode == TftpOpcode.Data && p.Block == block && p.Attempt == 1 ? action : FaultAction.Send;

    private static void AssertComplete(VerifyingStream destination, long size)
    {
        Assert.Equal(size, destination.Position);
        Assert.Equal(-1, destination.FirstMismatch);
    }

    [Fact]
    public void LockStepSendsOneAckPerBlock()
    {
        using var server = new EmbeddedServer();
        server.AddFile("f", (10 * 512) + 100);
        var (download, destination) = server.Download("f", EmbeddedServer.Settings(useOptions: false));

        AssertComplete(destination, 5220);
        Assert.Equal(512, download.BlockSize);
        Assert.Equal(1, download.WindowSize);
        Assert.Equal(11, download.Statistics.BlocksWritten);
        Assert.Equal(1 + 11, download.Statistics.PacketsSent);
        Assert.Equal(0, download.Statistics.Timeouts);
        TransferRecord record = server.SingleRecord();
        Assert.True(record.Completed);
        Assert.Equal(11, record.DataPacketsSent);
    }

    [Fact]
    public void WindowedDownloadAcksOncePerWindow()
    {
        using var server = new EmbeddedServer();
        server.AddFile("f", (40 * 1024) + 10);
        var (download, destination) = server.Download("f", EmbeddedServer.Settings(blockSize: 1024, windowSize: 8));

        AssertComplete(destination, 40970);
        Assert.Equal(1024, download.BlockSize);
        Assert.Equal(8, download.WindowSize);
        Assert.Equal(40970, download.TransferSize);

        // RRQ, ACK 0, one ACK per full window of 8 (blocks 8..40), and the final block's ACK.
        Assert.Equal(1 + 1 + 5 + 1, download.Statistics.PacketsSent);
        Assert.Equal(0, download.Statistics.Timeouts);
        Assert.Equal(41, server.SingleRecord().DataPacketsSent);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1467)]
    [InlineData(1468)]
    [InlineData(1469)]
    [InlineData(4 * 1468)]
    public void SizesAroundBlockAndWindowBoundariesEndOnTheShortBlock(int size)
    {
        using var server = new EmbeddedServer();
        server.AddFile("f", size);
        var (download, destination) = server.Download("f", EmbeddedServer.Settings(windowSize: 4));

        AssertComplete(destination, size);
        Assert.Equal((size / 1468) + 1, download.Statistics.BlocksWritten);
        Assert.True(server.SingleRecord().Completed);
    }

    [Fact]
    public void LostDataInLockStepIsResentOnTheServersTimerOnly()
    {
        // RFC 1123 4.2.3.1: in lock-step the client's repeated ACK does not make the server resend; the
        // server's own timer does, once.
        using var server = new EmbeddedServer(new FaultScript { OnSend = OnFirstSendOf(5, FaultAction.Drop) });
        server.AddFile("f", 20 * 512);
        var (download, destination) = server.Download("f", EmbeddedServer.Settings(useOptions: false));

        AssertComplete(destination, 20 * 512);
        Assert.True(download.Statistics.Timeouts >= 1);
        Assert.Equal(0, download.Statistics.DuplicateBlocks);
        TransferRecord record = server.SingleRecord();
        Assert.Equal(1, record.DataPacketsResent);
        Assert.Equal(1, record.TimeoutsExpired);
        Assert.Equal(21 + 1, record.DataPacketsSent);
    }

    [Fact]
    public void LostAckIsRetransmittedByTheClient()
    {
        int dropped = 0;
        using var server = new EmbeddedServer(new FaultScript { DropAcknowledgement = b => b == 5 && Interlocked.Increment(ref dropped) == 1 });
        server.AddFile("f", 20 * 512);
        var (download, destination) = server.Download("f", EmbeddedServer.Settings(useOptions: false));

        AssertComplete(destination, 20 * 512);
        Assert.Equal(1, download.Statistics.Timeouts);
        Assert.Equal(1 + 21 + 1, download.Statistics.PacketsSent);
        TransferRecord record = server.SingleRecord();
        Assert.Equal(0, record.DataPacketsResent);
        Assert.Equal(0, record.TimeoutsExpired);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public void DuplicatedDataIsIgnoredWithoutAnyExtraPacket(int windowSize)
    {
        using var server = new EmbeddedServer(new FaultScript { OnSend = OnFirstSendOf(8, FaultAction.Duplicate) });
        server.AddFile("f", 32 * 1024);
        var (download, destination) = server.Download("f", EmbeddedServer.Settings(blockSize: 1024, windowSize: windowSize));
        // RRQ, ACK 0, one ACK per window and the final block's ACK: the duplicate adds nothing.
        int baseline = 1 + 1 + (32 / windowSize) + 1;

        AssertComplete(destination, 32 * 1024);
        Assert.Equal(1, download.Statistics.DuplicateBlocks);
        Assert.Equal(baseline, download.Statistics.PacketsSent);
        Assert.Equal(0, server.SingleRecord().DataPacketsResent);
    }

    [Fact]
    public void ReorderingInsideAWindowIsAckedAtOnceAndNeverWritesTwice()
    {
        using var server = new EmbeddedServer(new FaultScript { OnSend = OnFirstSendOf(3, FaultAction.Hold) });
        server.AddFile("f", 32 * 1024);
        var (download, destination) = server.Download("f", EmbeddedServer.Settings(blockSize: 1024, windowSize: 8));

        AssertComplete(destination, 32 * 1024);
        Assert.Equal(33, destination.Writes);
        Assert.Equal(1, download.Statistics.GapAcknowledgements);
        Assert.Equal(0, download.Statistics.Timeouts);
        TransferRecord record = server.SingleRecord();
        Assert.Equal(0, record.TimeoutsExpired);

        // One restart after block 2: blocks 3 to 8 go again.
        Assert.Equal(6, record.DataPacketsResent);
    }

    [Fact]
    public void GapInsideAWindowIsAckedOnceAndResumesWithoutATimeout()
    {
        using var server = new EmbeddedServer(new FaultScript { OnSend = OnFirstSendOf(3, FaultAction.Drop) });
        server.AddFile("f", 32 * 1024);
        var (download, destination) = server.Download("f", EmbeddedServer.Settings(blockSize: 1024, windowSize: 8));

        AssertComplete(destination, 32 * 1024);
        Assert.Equal(1, download.Statistics.GapAcknowledgements);
        Assert.Equal(5, download.Statistics.OutOfOrderBlocks);
        Assert.Equal(0, download.Statistics.Timeouts);
        TransferRecord record = server.SingleRecord();
        Assert.Equal(0, record.TimeoutsExpired);

        // The window restarts after block 2: blocks 3 to 8 go again, 9 and 10 for the first time.
        Assert.Equal(6, record.DataPacketsResent);
    }

    [Fact]
    public void LossOfAWindowsLastBlockIsRecoveredByTheClientTimer()
    {
        using var server = new EmbeddedServer(new FaultScript { OnSend = OnFirstSendOf(8, FaultAction.Drop) });
        server.AddFile("f", 32 * 1024);
        var (download, destination) = server.Download("f", EmbeddedServer.Settings(blockSize: 1024, windowSize: 8));

        AssertComplete(destination, 32 * 1024);
        Assert.Equal(1, download.Statistics.Timeouts);
        Assert.Equal(0, download.Statistics.GapAcknowledgements);
        TransferRecord record = server.SingleRecord();
        Assert.Equal(0, record.TimeoutsExpired);
        Assert.Equal(1, record.DataPacketsResent);
    }

    [Fact]
    public void LostFinalAckIsAnsweredWhileLingering()
    {
        int dropped = 0;
        using var server = new EmbeddedServer(
            new FaultScript { DropAcknowledgement = b => b == 3 && Interlocked.Increment(ref dropped) == 1 },
            timeout: TimeSpan.FromMilliseconds(200));
        server.AddFile("f", (2 * 512) + 7);
        TftpDownloadSettings settings = EmbeddedServer.Settings(useOptions: false);
        settings.MinTimeoutMs = 400;
        var (download, destination) = server.Download("f", settings);

        AssertComplete(destination, 1031);
        Assert.Equal(1, download.Statistics.FinalAcknowledgementsResent);
        TransferRecord record = server.SingleRecord();
        Assert.True(record.Completed);
        Assert.Equal(1, record.DataPacketsResent);
    }

    [Fact]
    public void DatagramsFromAnotherPortGetErrorFiveAndTheTransferGoesOn()
    {
        var faults = new FaultScript { OnSend = OnFirstSendOf(2, FaultAction.AlsoFromStrayPort) };
        using var server = new EmbeddedServer(faults);
        server.AddFile("f", 10 * 1024);
        var (download, destination) = server.Download("f", EmbeddedServer.Settings(blockSize: 1024, windowSize: 4));

        AssertComplete(destination, 10 * 1024);
        Assert.Equal(1, download.Statistics.StrayPackets);
        Assert.Equal(0, download.Statistics.DuplicateBlocks);
        TransferRecord record = server.SingleRecord();
        Assert.True(record.Completed);
        Assert.Equal(1, faults.StrayErrorsReceived);
    }

    [Fact]
    public void ServerThatIgnoresOptionsGetsPlainBlocks()
    {
        using var server = new EmbeddedServer(new FaultScript { IgnoreOptions = true });
        server.AddFile("f", 3000);
        var (download, destination) = server.Download("f", EmbeddedServer.Settings(windowSize: 8));

        AssertComplete(destination, 3000);
        Assert.Equal(512, download.BlockSize);
        Assert.Equal(1, download.WindowSize);
        Assert.Equal(-1, download.TransferSize);
        Assert.Equal(1 + 6, download.Statistics.PacketsSent);
    }

    [Fact]
    public void ServerThatRejectsOptionsIsAskedAgainWithout()
    {
        using var server = new EmbeddedServer(new FaultScript { RejectOptions = true });
        server.AddFile("f", 3000);
        var (download, destination) = server.Download("f", EmbeddedServer.Settings(windowSize: 8));

        AssertComplete(destination, 3000);
        Assert.True(download.Statistics.FellBackToPlainRequest);
        Assert.Equal(512, download.BlockSize);
        // ERROR 8: first without utimeout, the one option no RFC defines, then without any option.
        Assert.True(server.Server.WaitForFinishedTransfers(3, TimeSpan.FromSeconds(10)));
        Assert.Equal(["options refused", "options refused", null], server.Server.FinishedTransfers.Select(r => r.Failure));
    }

    [Fact]
    public void ServerErrorMidTransferFailsWithItsCodeAndMessage()
    {
        using var server = new EmbeddedServer(new FaultScript { OnSend = OnFirstSendOf(4, FaultAction.FailTransfer) });
        server.AddFile("f", 10 * 512);
        var destination = new VerifyingStream();
        var e = Assert.Throws<TftpException>(() => server.Run("f", EmbeddedServer.Settings(useOptions: false), destination));

        Assert.Equal(TftpFailure.RemoteError, e.Failure);
        Assert.Equal(TftpErrorCode.NotDefined, e.ErrorCode);
        Assert.Contains("Scripted failure.", e.Message);
        Assert.Equal(3 * 512, destination.Position);
        Assert.Equal(-1, destination.FirstMismatch);
    }

    [Fact]
    public void MissingFileFailsWithErrorOne()
    {
        using var server = new EmbeddedServer();
        var e = Assert.Throws<TftpException>(() => server.Download("absent.bin", EmbeddedServer.Settings()));
        Assert.Equal(TftpFailure.RemoteError, e.Failure);
        Assert.Equal(TftpErrorCode.FileNotFound, e.ErrorCode);
        Assert.Contains("absent.bin", e.Message);
        Assert.Contains(server.EndPoint.ToString(), e.Message);
    }

    [Fact]
    public void FailingDestinationSendsErrorThreeAndFails()
    {
        using var server = new EmbeddedServer();
        server.AddFile("f", 10 * 512);
        var destination = new FailingStream(failAfter: 2000);
        var e = Assert.Throws<TftpException>(() => server.Run("f", EmbeddedServer.Settings(blockSize: 512, windowSize: 2), destination));

        Assert.Equal(TftpFailure.StorageFailed, e.Failure);
        Assert.Equal(TftpErrorCode.DiskFull, e.ErrorCode);
        Assert.IsType<IOException>(e.InnerException);
        Assert.Equal(1536, destination.Written.Length);
        Assert.Equal("client sent error 3: " + e.Message, server.SingleRecord().Failure);
    }

    [Fact]
    public void OfferLargerThanRequestedIsRefusedWithErrorEight()
    {
        using var server = new EmbeddedServer(new FaultScript { ForcedOptionAcknowledgement = new TftpOptions { BlockSize = 4096 } });
        server.AddFile("f", 10000);
        var e = Assert.Throws<TftpException>(() => server.Download("f", EmbeddedServer.Settings(blockSize: 1024)));

        Assert.Equal(TftpFailure.OptionsRefused, e.Failure);
        Assert.Contains("blksize 4096", e.Message);
        Assert.StartsWith("client sent error 8:", server.SingleRecord().Failure);
    }

    [Fact]
    public void ATimeoutOtherThanRequestedIsRefused()
    {
        // RFC 2349: a server that accepts the timeout echoes it; another value cannot be honoured.
        using var server = new EmbeddedServer(new FaultScript { ForcedOptionAcknowledgement = new TftpOptions { BlockSize = 1024, TimeoutSeconds = 7 } });
        server.AddFile("f", 10000);
        var e = Assert.Throws<TftpException>(() => server.Download("f", EmbeddedServer.Settings(blockSize: 1024)));

        Assert.Equal(TftpFailure.OptionsRefused, e.Failure);
        Assert.Contains("timeout 7", e.Message);
        Assert.StartsWith("client sent error 8:", server.SingleRecord().Failure);
    }

    [Fact]
    public void WindowLargerThanRequestedIsRefused()
    {
        using var server = new EmbeddedServer(new FaultScript { ForcedOptionAcknowledgement = new TftpOptions { WindowSize = 9 } });
        server.AddFile("f", 10000);
        var e = Assert.Throws<TftpException>(() => server.Download("f", EmbeddedServer.Settings(windowSize: 8)));
        Assert.Equal(TftpFailure.OptionsRefused, e.Failure);
        Assert.Contains("windowsize 9", e.Message);
    }

    [Fact]
    public void SmallerOfferIsAccepted()
    {
        using var server = new EmbeddedServer(maxBlockSize: 700, maxWindowSize: 3);
        server.AddFile("f", 10000);
        var (download, destination) = server.Download("f", EmbeddedServer.Settings(blockSize: 1468, windowSize: 8));
        AssertComplete(destination, 10000);
        Assert.Equal(700, download.BlockSize);
        Assert.Equal(3, download.WindowSize);
    }

    [Fact]
    public void AnnouncedSizeThatDiffersFromTheDataFails()
    {
        using var server = new EmbeddedServer(new FaultScript { ForcedOptionAcknowledgement = new TftpOptions { BlockSize = 1024, TransferSize = 5000 } });
        server.AddFile("f", 3000);
        var e = Assert.Throws<TftpException>(() => server.Download("f", EmbeddedServer.Settings(blockSize: 1024)));
        Assert.Equal(TftpFailure.SizeMismatch, e.Failure);
        Assert.Contains("5000", e.Message);
    }

    [Fact]
    public void DataBeyondTheAnnouncedSizeIsNotWritten()
    {
        using var server = new EmbeddedServer(new FaultScript { ForcedOptionAcknowledgement = new TftpOptions { BlockSize = 1024, TransferSize = 1500 } });
        server.AddFile("f", 3000);
        var destination = new VerifyingStream();
        var e = Assert.Throws<TftpException>(() => server.Run("f", EmbeddedServer.Settings(blockSize: 1024), destination));

        Assert.Equal(TftpFailure.SizeMismatch, e.Failure);
        Assert.Equal(1024, destination.Position);
        Assert.Equal("client sent error 0: " + e.Message, server.SingleRecord().Failure);
    }

    [Fact]
    public void BlockNumbersWrapPastBlock65535()
    {
        // 70001 blocks of 8 bytes: the block number wraps from 65535 to 0 inside a window.
        using var server = new EmbeddedServer();
        const int size = (8 * 70000) + 3;
        server.AddFile("f", size);
        var (download, destination) = server.Download("f", EmbeddedServer.Settings(blockSize: 8, windowSize: 16));

        AssertComplete(destination, size);
        Assert.Equal(70001, download.Statistics.BlocksWritten);
        Assert.True(server.SingleRecord().Completed);
    }

    [Fact]
    public void ProgressReportsEveryBlockAndTheAnnouncedTotal()
    {
        using var server = new EmbeddedServer();
        server.AddFile("f", 10000);
        var download = new TftpDownload(HostUdpTransportFactory.Instance, EmbeddedServer.Settings(blockSize: 1024, windowSize: 4));
        var reports = new List<(long Bytes, long Total)>();
        download.Progress += (bytes, total) => reports.Add((bytes, total));
        download.Run(server.EndPoint, "f", new VerifyingStream());

        Assert.Equal(10, reports.Count);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => Math.Min(i * 1024L, 10000)), reports.Select(r => r.Bytes));
        Assert.All(reports, r => Assert.Equal(10000, r.Total));
    }

    [Fact]
    public void ASecondRunOnOneInstanceNegotiatesFromScratch()
    {
        using var server = new EmbeddedServer();
        server.AddFile("f", 10000);
        TftpDownloadSettings settings = EmbeddedServer.Settings(blockSize: 1024, windowSize: 4);
        settings.MaxRetries = 1;
        settings.InitialTimeoutMs = 100;
        settings.MaxTimeoutMs = 200;
        var download = new TftpDownload(HostUdpTransportFactory.Instance, settings);
        download.Run(server.EndPoint, "f", new VerifyingStream());
        Assert.Equal((1024, 4, 10000L, 10L), (download.BlockSize, download.WindowSize, download.TransferSize, download.Statistics.BlocksWritten));

        // The same instance, other options: a plain request, so RFC 1350's 512-byte lock-step.
        settings.UseOptions = false;
        download.Run(server.EndPoint, "f", new VerifyingStream());
        Assert.Equal((512, 1, -1L, 20L), (download.BlockSize, download.WindowSize, download.TransferSize, download.Statistics.BlocksWritten));
        Assert.False(download.Statistics.FellBackToPlainRequest);

        // A run the server never answers settles nothing, and shows nothing of the runs before it.
        using var silent = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        settings.UseOptions = true;
        var e = Assert.Throws<TftpException>(() => download.Run(silent.Client.LocalEndPoint!, "f", new VerifyingStream()));
        Assert.Equal(TftpFailure.TimedOut, e.Failure);
        Assert.Equal((0, 0, -1L, 0L, 0L), (download.BlockSize, download.WindowSize, download.TransferSize,
            download.Statistics.BlocksWritten, download.Statistics.DuplicateBlocks));
        Assert.Equal(2, download.Statistics.Timeouts);
    }

    [Fact]
    public void CancelStopsTheTransferAndTellsTheServer()
    {
        using var server = new EmbeddedServer();
        server.AddFile("f", 100 * 1024);
        var download = new TftpDownload(HostUdpTransportFactory.Instance, EmbeddedServer.Settings(blockSize: 1024, windowSize: 1));
        download.Progress += (bytes, _) =>
        {
            if (bytes == 10 * 1024)
            {
                download.Cancel();
            }
        };
        var destination = new VerifyingStream();
        var e = Assert.Throws<TftpException>(() => download.Run(server.EndPoint, "f", destination));

        Assert.Equal(TftpFailure.Canceled, e.Failure);
        Assert.Equal(10 * 1024, destination.Position);
        Assert.Equal("client sent error 0: The transfer was canceled.", server.SingleRecord().Failure);
    }
}
