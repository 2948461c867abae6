using System.IO;
using nanoFramework.TestFramework;
using TftpNano.Protocol;
using TftpNano.Transfer;

namespace TftpNano.Device.Tests
{
    /// <summary>
    /// The download engine in the interpreter, against a server scripted in memory: every byte written
    /// is checked, and what each side sent is counted.
    /// </summary>
    [TestClass]
    public class DownloadEngineTests
    {
        [TestMethod]
        public void NegotiatesOptionsAndStopsAtTheShortFinalBlock()
        {
            MemoryTftpPeer peer = new MemoryTftpPeer();
            byte[] file = Pattern((3 * 1024) + 100);
            peer.Add("fw/app.pe", file);
            MemoryStream destination = new MemoryStream();
            TftpDownload download = new TftpDownload(peer, Settings(1024));

            Assert.AreEqual((long)file.Length, download.Run(MemoryTftpPeer.RequestEndPoint, "fw/app.pe", destination));
            AssertSame(file, destination);
            Assert.AreEqual(4L, download.Statistics.BlocksWritten);
            Assert.AreEqual(4, peer.DataSent);

            // The request, ACK 0 for the OACK, and one ACK per block.
            Assert.AreEqual(1L + 1 + 4, download.Statistics.PacketsSent);
            Assert.AreEqual(0L, download.Statistics.Timeouts);
        }

        [TestMethod]
        public void AFileOfWholeBlocksEndsWithAnEmptyBlock()
        {
            MemoryTftpPeer peer = new MemoryTftpPeer();
            byte[] file = Pattern(2 * 512);
            peer.Add("f", file);
            MemoryStream destination = new MemoryStream();
            TftpDownload download = new TftpDownload(peer, Settings(512));

            download.Run(MemoryTftpPeer.RequestEndPoint, "f", destination);
            AssertSame(file, destination);
            Assert.AreEqual(3, peer.DataSent);
        }

        [TestMethod]
        public void AServerThatIgnoresOptionsGetsPlainBlocks()
        {
            MemoryTftpPeer peer = new MemoryTftpPeer();
            peer.IgnoreOptions = true;
            byte[] file = Pattern(1500);
            peer.Add("f", file);
            MemoryStream destination = new MemoryStream();
            TftpDownload download = new TftpDownload(peer, Settings(1024));

            download.Run(MemoryTftpPeer.RequestEndPoint, "f", destination);
            AssertSame(file, destination);
            Assert.AreEqual(512, download.BlockSize);
            Assert.AreEqual(3, peer.DataSent);
        }

        [TestMethod]
        public void ALostBlockIsAskedForAgainAndWrittenOnce()
        {
            MemoryTftpPeer peer = new MemoryTftpPeer();
            peer.DropBlockOnce = 2;
            byte[] file = Pattern(4 * 512);
            peer.Add("f", file);
            MemoryStream destination = new MemoryStream();
            TftpDownload download = new TftpDownload(peer, Settings(512));

            download.Run(MemoryTftpPeer.RequestEndPoint, "f", destination);
            AssertSame(file, destination);
            Assert.AreEqual(1L, download.Statistics.Timeouts);
            Assert.AreEqual(5L, download.Statistics.BlocksWritten);
            Assert.AreEqual(6, peer.DataSent, "blocks 1 to 5 and block 2 again");
        }

        [TestMethod]
        public void ADuplicatedBlockIsNotWrittenTwice()
        {
            MemoryTftpPeer peer = new MemoryTftpPeer();
            peer.DuplicateBlock = 2;
            byte[] file = Pattern((3 * 512) + 7);
            peer.Add("f", file);
            MemoryStream destination = new MemoryStream();
            TftpDownload download = new TftpDownload(peer, Settings(512));

            download.Run(MemoryTftpPeer.RequestEndPoint, "f", destination);
            AssertSame(file, destination);
            Assert.AreEqual(1L, download.Statistics.DuplicateBlocks);
            Assert.AreEqual(4, peer.DataSent, "a duplicate never triggers a retransmission");
        }

        [TestMethod]
        public void AStrangersDatagramGetsError5AndTheTransferGoesOn()
        {
            MemoryTftpPeer peer = new MemoryTftpPeer();
            peer.StrayBeforeBlock = 2;
            byte[] file = Pattern(3 * 512);
            peer.Add("f", file);
            MemoryStream destination = new MemoryStream();
            TftpDownload download = new TftpDownload(peer, Settings(512));

            download.Run(MemoryTftpPeer.RequestEndPoint, "f", destination);
            AssertSame(file, destination);
            Assert.AreEqual(1, peer.SentToStranger);
            Assert.AreEqual(1L, download.Statistics.StrayPackets);
            Assert.AreEqual(0, peer.ErrorsFromClient().Length, "the real server hears no error");
        }

        [TestMethod]
        public void AServerErrorFailsTheTransferWithItsCode()
        {
            MemoryTftpPeer peer = new MemoryTftpPeer();
            TftpDownload download = new TftpDownload(peer, Settings(512));
            TftpException error = Fails(download, "missing", new MemoryStream());
            Assert.AreEqual((int)TftpFailure.RemoteError, (int)error.Failure);
            Assert.AreEqual((int)TftpErrorCode.FileNotFound, (int)error.ErrorCode);
            Assert.Contains("File not found", error.Message);
            Assert.AreEqual(0, peer.ErrorsFromClient().Length, "an ERROR is never answered");
        }

        [TestMethod]
        public void AnOversizedBlockIsRefusedWithError4BeforeAnythingOfItIsWritten()
        {
            MemoryTftpPeer peer = new MemoryTftpPeer();
            peer.OversizeBlock = 2;
            peer.Add("f", Pattern(3 * 512));
            MemoryStream destination = new MemoryStream();
            TftpDownload download = new TftpDownload(peer, Settings(512));
            TftpException error = Fails(download, "f", destination);
            Assert.AreEqual((int)TftpFailure.MalformedPacket, (int)error.Failure);
            Assert.AreEqual(512L, destination.Length, "only block 1 was written");
            int[] errors = peer.ErrorsFromClient();
            Assert.AreEqual(1, errors.Length);
            Assert.AreEqual((int)TftpErrorCode.IllegalOperation, errors[0]);
        }

        [TestMethod]
        public void ALostFinalAckDoesNotFeedThePreviousFileToTheNextDownload()
        {
            // The server resends the first file's final block after the client has asked for the
            // second: with a socket per transfer it reaches a closed port, not the second download.
            MemoryTftpPeer peer = new MemoryTftpPeer();
            peer.LoseFirstFinalAcknowledgement = true;
            byte[] manifest = Pattern(200);
            byte[] signature = Pattern(384);
            signature[0] ^= 0xFF;
            peer.Add("manifest", manifest);
            peer.Add("manifest.sig", signature);

            MemoryStream first = new MemoryStream();
            new TftpDownload(peer, Settings(512)).Run(MemoryTftpPeer.RequestEndPoint, "manifest", first);
            MemoryStream second = new MemoryStream();
            new TftpDownload(peer, Settings(512)).Run(MemoryTftpPeer.RequestEndPoint, "manifest.sig", second);

            AssertSame(manifest, first);
            AssertSame(signature, second);
            Assert.AreEqual(2, peer.SocketsOpened);
            Assert.AreEqual(0, peer.SocketsOpen, "every socket is closed");
        }

        [TestMethod]
        public void AFailedDownloadClosesItsSocketsToo()
        {
            MemoryTftpPeer peer = new MemoryTftpPeer();
            Fails(new TftpDownload(peer, Settings(512)), "missing", new MemoryStream());
            Assert.AreEqual(1, peer.SocketsOpened);
            Assert.AreEqual(0, peer.SocketsOpen);
        }

        [TestMethod]
        public void ACancelBeforeTheRunIsNotLost()
        {
            MemoryTftpPeer peer = new MemoryTftpPeer();
            peer.Add("f", Pattern(100));
            TftpDownload download = new TftpDownload(peer, Settings(512));
            download.Cancel();

            TftpException error = Fails(download, "f", new MemoryStream());
            Assert.AreEqual((int)TftpFailure.Canceled, (int)error.Failure);
            Assert.AreEqual(string.Empty, peer.Requested, "nothing was asked for");
        }

        // Runs a download that must fail, and returns how.
        private static TftpException Fails(TftpDownload download, string fileName, Stream destination)
        {
            try
            {
                download.Run(MemoryTftpPeer.RequestEndPoint, fileName, destination);
            }
            catch (TftpException e)
            {
                return e;
            }

            Assert.IsTrue(false, "the download of " + fileName + " succeeded");
            return null;
        }

        internal static TftpDownloadSettings Settings(int blockSize)
        {
            TftpDownloadSettings settings = new TftpDownloadSettings();
            settings.BlockSize = blockSize;
            settings.WindowSize = 1;
            settings.InitialTimeoutMs = 30;
            settings.MaxRetries = 5;
            settings.RandomSeed = 1;
            return settings;
        }

        internal static byte[] Pattern(int length)
        {
            byte[] data = new byte[length];
            for (int i = 0; i < length; i++)
            {
                data[i] = (byte)((i * 31) + (i >> 8));
            }

            return data;
        }

        private static void AssertSame(byte[] expected, MemoryStream actual)
        {
            byte[] written = actual.ToArray();
            Assert.AreEqual(expected.Length, written.Length, "length");
            for (int i = 0; i < expected.Length; i++)
            {
                if (written[i] != expected[i])
                {
                    Assert.IsTrue(false, "byte " + i.ToString() + " differs");
                }
            }
        }
    }
}
