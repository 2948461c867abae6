using System;
using System.Collections;
using System.Net;
using TftpNano.Protocol;
using TftpNano.Transfer;
using nanoFramework.TestFramework;

namespace TftpNano.Device.Tests
{
    /// <summary>
    /// The receive loop and transfer-ID rules both roles share: who becomes the peer, what a stranger
    /// gets, and how a wait ends.
    /// </summary>
    [TestClass]
    public class TransferPortTests
    {
        private static readonly IPAddress Server = IPAddress.Parse("192.168.1.10");

        [TestMethod]
        public void ARequestLatchesOnlyADatagramThatCanAnswerIt()
        {
            QueuedSocket socket = new QueuedSocket();
            IPEndPoint answer = new IPEndPoint(Server, 5002);
            socket.Arrive(Data(2), new IPEndPoint(Server, 5000));
            socket.Arrive(Acknowledgement(1), new IPEndPoint(Server, 5001));
            socket.Arrive(Data(1), new IPEndPoint(IPAddress.Parse("192.168.1.11"), 5002));
            socket.Arrive(Data(1), answer);
            TransferPort port = TransferPort.ForReadRequest(socket, new byte[600], Server, null);

            Assert.AreEqual(Data(1).Length, port.Receive(Deadline(1000)));
            Assert.IsTrue(answer.Equals(port.Peer));
            Assert.AreEqual(4L, port.DatagramsReceived);
            Assert.AreEqual(3L, port.StrayDatagrams);

            // Each stranger was told, and only strangers were.
            Assert.AreEqual(3, socket.Sent.Count);
            for (int i = 0; i < socket.Sent.Count; i++)
            {
                Assert.AreEqual((int)TftpErrorCode.UnknownTransferId, ErrorCode((byte[])socket.Sent[i]));
                Assert.IsFalse(answer.Equals(socket.SentTo[i]));
            }
        }

        [TestMethod]
        public void AnOptionAcknowledgementOrAnErrorAnswersARequest()
        {
            QueuedSocket socket = new QueuedSocket();
            IPEndPoint answer = new IPEndPoint(Server, 7000);
            socket.Arrive(new byte[] { 0, 5, 0, 1, (byte)'x', 0 }, answer);
            TransferPort port = TransferPort.ForReadRequest(socket, new byte[600], Server, null);

            Assert.AreEqual(6, port.Receive(Deadline(1000)));
            Assert.IsTrue(answer.Equals(port.Peer));

            socket = new QueuedSocket();
            socket.Arrive(new byte[] { 0, 6, (byte)'t', (byte)'s', (byte)'i', (byte)'z', (byte)'e', 0, (byte)'9', 0 }, answer);
            port = TransferPort.ForReadRequest(socket, new byte[600], Server, null);

            Assert.AreEqual(10, port.Receive(Deadline(1000)));
            Assert.IsTrue(answer.Equals(port.Peer));
            Assert.AreEqual(0L, port.StrayDatagrams);
        }

        [TestMethod]
        public void AStrangersErrorIsNeverAnswered()
        {
            QueuedSocket socket = new QueuedSocket();
            IPEndPoint answer = new IPEndPoint(Server, 6000);
            socket.Arrive(Data(1), answer);
            socket.Arrive(new byte[] { 0, 5, 0, 5, 0 }, new IPEndPoint(Server, 6001));
            socket.Arrive(Data(2), answer);
            TransferPort port = TransferPort.ForReadRequest(socket, new byte[600], Server, null);

            Assert.AreEqual(Data(1).Length, port.Receive(Deadline(1000)));
            Assert.AreEqual(Data(2).Length, port.Receive(Deadline(1000)));
            Assert.AreEqual(1L, port.StrayDatagrams);
            Assert.AreEqual(0, socket.Sent.Count);
        }

        [TestMethod]
        public void RepliesToStrangersStopWhenTheBudgetIsSpent()
        {
            QueuedSocket socket = new QueuedSocket();
            socket.Arrive(Data(1), new IPEndPoint(Server, 6000));
            for (int i = 0; i < 5; i++)
            {
                socket.Arrive(Acknowledgement(1), new IPEndPoint(Server, 6100 + i));
            }

            TransferPort port = TransferPort.ForReadRequest(socket, new byte[600], Server, new ReplyBudget(2));

            Assert.AreEqual(Data(1).Length, port.Receive(Deadline(1000)));
            Assert.AreEqual(TransferPort.Expired, port.Receive(Deadline(50)));
            Assert.AreEqual(5L, port.StrayDatagrams);
            Assert.AreEqual(2, socket.Sent.Count);
        }

        [TestMethod]
        public void AWaitEndsAtItsDeadlineOrWhenCanceled()
        {
            QueuedSocket socket = new QueuedSocket();
            TransferPort port = TransferPort.ForReadRequest(socket, new byte[600], Server, null);
            Assert.AreEqual(TransferPort.Expired, port.Receive(Deadline(30)));

            socket.Arrive(Data(1), new IPEndPoint(Server, 6000));
            port.Cancel();
            Assert.AreEqual(TransferPort.Canceled, port.Receive(Deadline(1000)));
            Assert.AreEqual(TransferPort.Canceled, port.Receive(Deadline(1000)));
        }

        [TestMethod]
        public void NothingIsSentToAServerThatHasNotAnswered()
        {
            QueuedSocket socket = new QueuedSocket();
            TransferPort port = TransferPort.ForReadRequest(socket, new byte[600], Server, null);

            port.SendError(new byte[64], TftpErrorCode.NotDefined, "gave up");
            Assert.AreEqual(0, socket.Sent.Count);
            Assert.ThrowsException(typeof(InvalidOperationException), () => port.Send(new byte[4], 4));
            Assert.ThrowsException(typeof(InvalidOperationException),
                () => port.SendRequest(new byte[4], 4, new IPEndPoint(IPAddress.Parse("192.168.1.11"), 69)));
        }

        [TestMethod]
        public void CloseClosesTheSocket()
        {
            QueuedSocket socket = new QueuedSocket();
            TransferPort.ForReadRequest(socket, new byte[600], Server, null).Close();
            Assert.IsTrue(socket.IsClosed);
        }

        private static long Deadline(int ms)
        {
            return Environment.TickCount64 + ms;
        }

        private static byte[] Data(int block)
        {
            return new byte[] { 0, 3, (byte)(block >> 8), (byte)block, 1, 2, 3 };
        }

        private static byte[] Acknowledgement(int block)
        {
            return new byte[] { 0, 4, (byte)(block >> 8), (byte)block };
        }

        private static int ErrorCode(byte[] packet)
        {
            Assert.AreEqual((byte)TftpOpcode.Error, packet[1]);
            return (packet[2] << 8) | packet[3];
        }

        // A socket whose datagrams are queued by the test; what is sent is recorded.
        private sealed class QueuedSocket : IDatagramTransport
        {
            private readonly ArrayList _queue = new ArrayList();
            private EndPoint _lastSender;

            public ArrayList Sent { get; } = new ArrayList();

            public ArrayList SentTo { get; } = new ArrayList();

            public bool IsClosed { get; private set; }

            public EndPoint LastSender
            {
                get { return _lastSender; }
            }

            public void Arrive(byte[] datagram, EndPoint from)
            {
                _queue.Add(datagram);
                _queue.Add(from);
            }

            public void Send(byte[] buffer, int count, EndPoint remote)
            {
                byte[] copy = new byte[count];
                Array.Copy(buffer, copy, count);
                Sent.Add(copy);
                SentTo.Add(remote);
            }

            public int Receive(byte[] buffer, int timeoutMs)
            {
                if (_queue.Count == 0)
                {
                    System.Threading.Thread.Sleep(timeoutMs);
                    return -1;
                }

                byte[] datagram = (byte[])_queue[0];
                _lastSender = (EndPoint)_queue[1];
                _queue.RemoveAt(0);
                _queue.RemoveAt(0);
                Array.Copy(datagram, buffer, datagram.Length);
                return datagram.Length;
            }

            public void Close()
            {
                IsClosed = true;
            }
        }
    }
}
