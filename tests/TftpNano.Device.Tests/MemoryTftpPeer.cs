using System;
using System.Collections;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using TftpNano.Protocol;
using TftpNano.Transfer;

namespace TftpNano.Device.Tests
{
    /// <summary>
    /// A scripted TFTP server and the client's sockets, all in memory: each datagram the engine sends is
    /// answered as a lock-step RFC 1350/2347 server would, with the faults a test asks for, so that the
    /// download engine and the updater run in the interpreter without a network.
    /// </summary>
    /// <remarks>
    /// Each socket the engine opens has a port and a queue of its own, and a closed socket receives
    /// nothing more, as on a device. Each transfer answers from a server port of its own (5000, 5001,
    /// ...). An empty queue waits out the receive timeout, as a socket does. The server grants blksize and
    /// tsize and never windowsize, so the engine runs in lock-step; it resends a block when the ACK before
    /// it is repeated.
    /// </remarks>
    internal sealed class MemoryTftpPeer : IDatagramTransportFactory
    {
        /// <summary>Where requests go.</summary>
        public static readonly IPEndPoint RequestEndPoint = new IPEndPoint(IPAddress.Parse("127.0.0.1"), 69);

        /// <summary>A port of the server's address that is in no transfer.</summary>
        public static readonly IPEndPoint Stranger = new IPEndPoint(IPAddress.Parse("127.0.0.1"), 4999);

        private readonly ArrayList _files = new ArrayList();
        private readonly ArrayList _dropped = new ArrayList();
        private readonly ArrayList _errorsFromClient = new ArrayList();
        private readonly byte[] _scratch = new byte[2048];

        // What an ESP32's firmware queues for a socket (README, windowsize): more is dropped, as there.
        // The queue holds copies in the heap, so unbounded it would let a busy host's clock, whose
        // timeouts make the client retransmit and the peer answer again, run a 96 KiB heap out.
        private const int QueuedDatagrams = 6;
        private Socket _client;
        private IPEndPoint _transfer;
        private byte[] _data;
        private int _blockSize;
        private int _lastBlockSent;
        private int _transferCount;
        private int _socketCount;
        private bool _finalAcknowledgementLost;

        /// <summary>Gets or sets whether the server answers an options request with DATA 1, as RFC 1350 servers do.</summary>
        public bool IgnoreOptions { get; set; }

        /// <summary>Gets or sets a block whose first transmission is lost; 0 for none.</summary>
        public int DropBlockOnce { get; set; }

        /// <summary>Gets or sets a block delivered twice each time it is sent; 0 for none.</summary>
        public int DuplicateBlock { get; set; }

        /// <summary>Gets or sets a block before which a stranger's DATA arrives; 0 for none.</summary>
        public int StrayBeforeBlock { get; set; }

        /// <summary>Gets or sets a block sent one byte longer than the block size; 0 for none.</summary>
        public int OversizeBlock { get; set; }

        /// <summary>
        /// Gets or sets whether the first transfer's final ACK is lost. The server then resends its final
        /// block on its timer, which fires, as on a real link, when the client has already sent its next
        /// request: the block goes to the port the first transfer used.
        /// </summary>
        public bool LoseFirstFinalAcknowledgement { get; set; }

        /// <summary>Gets how many DATA datagrams the server sent, lost ones included.</summary>
        public int DataSent { get; private set; }

        /// <summary>Gets the names requested, in order, separated by '|'.</summary>
        public string Requested { get; private set; } = string.Empty;

        /// <summary>Gets how many datagrams the client sent to the stranger.</summary>
        public int SentToStranger { get; private set; }

        /// <summary>Gets how many sockets the client opened.</summary>
        public int SocketsOpened
        {
            get { return _socketCount; }
        }

        /// <summary>Gets how many of them are still open.</summary>
        public int SocketsOpen { get; private set; }

        /// <inheritdoc/>
        public IDatagramTransport Open(AddressFamily addressFamily)
        {
            _socketCount++;
            SocketsOpen++;
            return new Socket(this);
        }

        /// <summary>Serves a file under a name, in place of any file of that name.</summary>
        public void Add(string name, byte[] data)
        {
            int index = _files.IndexOf(name);
            if (index >= 0)
            {
                _files[index + 1] = data;
                return;
            }

            _files.Add(name);
            _files.Add(data);
        }

        /// <summary>Forgets the names requested so far.</summary>
        public void ForgetRequests()
        {
            Requested = string.Empty;
        }

        /// <summary>Gets the TFTP error codes the client sent to the server, in order.</summary>
        public int[] ErrorsFromClient()
        {
            return (int[])_errorsFromClient.ToArray(typeof(int));
        }

        private void OnSend(Socket from, byte[] buffer, int count, EndPoint remote)
        {
            if (Stranger.Equals(remote))
            {
                SentToStranger++;
                return;
            }

            TftpOpcode opcode = TftpPacket.ReadOpcode(buffer, count);
            if (opcode == TftpOpcode.ReadRequest && RequestEndPoint.Equals(remote))
            {
                OnRequest(from, new Request(buffer, count));
            }
            else if (opcode == TftpOpcode.Acknowledgement && remote.Equals(_transfer) && from == _client)
            {
                OnAcknowledgement(TftpPacket.ReadBlockNumber(buffer, count));
            }
            else if (opcode == TftpOpcode.Error)
            {
                string message;
                _errorsFromClient.Add((int)TftpPacket.ReadError(buffer, count, out message));
                _data = null;
            }
        }

        private void OnRequest(Socket from, Request request)
        {
            if (_finalAcknowledgementLost)
            {
                // The previous transfer's timer fires now: its final block goes to the port that asked for it.
                _finalAcknowledgementLost = false;
                SendBlock(_lastBlockSent);
            }

            Requested = Requested.Length == 0 ? request.FileName : Requested + "|" + request.FileName;
            _client = from;
            _transfer = new IPEndPoint(RequestEndPoint.Address, 5000 + _transferCount++);
            _data = Find(request.FileName);
            _lastBlockSent = 0;
            if (_data == null)
            {
                Enqueue(TftpPacket.WriteError(_scratch, TftpErrorCode.FileNotFound, "File not found"));
                return;
            }

            _blockSize = TftpPacket.DefaultBlockSize;
            if (!request.HasOptions || IgnoreOptions)
            {
                SendBlock(1);
                return;
            }

            TftpOptions granted = new TftpOptions();
            if (request.BlockSize > 0)
            {
                _blockSize = request.BlockSize;
                granted.BlockSize = _blockSize;
            }

            if (request.AsksTransferSize)
            {
                granted.TransferSize = _data.Length;
            }

            Enqueue(TftpPacket.WriteOptionAcknowledgement(_scratch, granted));
        }

        private void OnAcknowledgement(int block)
        {
            if (_data == null)
            {
                return;
            }

            if (block == _lastBlockSent)
            {
                if ((long)block * _blockSize > _data.Length)
                {
                    if (LoseFirstFinalAcknowledgement)
                    {
                        LoseFirstFinalAcknowledgement = false;
                        _finalAcknowledgementLost = true;
                        return;
                    }

                    _data = null;
                    return;
                }

                SendBlock(block + 1);
            }
            else if (block == _lastBlockSent - 1)
            {
                // The client repeated the ACK before the block it is missing: resend that block.
                SendBlock(_lastBlockSent);
            }
        }

        private void SendBlock(int block)
        {
            if (block == StrayBeforeBlock)
            {
                int strayLength = TftpPacket.WriteDataHeader(_scratch, block);
                EnqueueFrom(strayLength, Stranger);
            }

            int offset = (block - 1) * _blockSize;
            int count = _data.Length - offset < _blockSize ? _data.Length - offset : _blockSize;
            int extra = block == OversizeBlock ? 1 : 0;
            int length = TftpPacket.WriteDataHeader(_scratch, block);
            Array.Copy(_data, offset, _scratch, length, count);
            length += count + extra;
            _lastBlockSent = block;
            DataSent++;
            if (block == DropBlockOnce && !_dropped.Contains(block))
            {
                _dropped.Add(block);
                return;
            }

            Enqueue(length);
            if (block == DuplicateBlock)
            {
                Enqueue(length);
            }
        }

        private void Enqueue(int length)
        {
            EnqueueFrom(length, _transfer);
        }

        private void EnqueueFrom(int length, IPEndPoint from)
        {
            if (_client.IsClosed || _client.Queue.Count >= 2 * QueuedDatagrams)
            {
                return;
            }

            byte[] datagram = new byte[length];
            Array.Copy(_scratch, datagram, length);
            _client.Queue.Add(datagram);
            _client.Queue.Add(from);
        }

        private byte[] Find(string name)
        {
            for (int i = 0; i < _files.Count; i += 2)
            {
                if ((string)_files[i] == name)
                {
                    return (byte[])_files[i + 1];
                }
            }

            return null;
        }

        // One of the client's sockets: what the server sent to its port waits in its queue.
        private sealed class Socket : IDatagramTransport
        {
            private readonly MemoryTftpPeer _peer;
            private EndPoint _lastSender;

            public Socket(MemoryTftpPeer peer)
            {
                _peer = peer;
            }

            public ArrayList Queue { get; } = new ArrayList();

            public bool IsClosed { get; private set; }

            public EndPoint LastSender
            {
                get { return _lastSender; }
            }

            public void Send(byte[] buffer, int count, EndPoint remote)
            {
                _peer.OnSend(this, buffer, count, remote);
            }

            public int Receive(byte[] buffer, int timeoutMs)
            {
                if (Queue.Count == 0)
                {
                    Thread.Sleep(timeoutMs);
                    return -1;
                }

                byte[] datagram = (byte[])Queue[0];
                _lastSender = (EndPoint)Queue[1];
                Queue.RemoveAt(0);
                Queue.RemoveAt(0);
                int length = datagram.Length < buffer.Length ? datagram.Length : buffer.Length;
                Array.Copy(datagram, buffer, length);
                return length;
            }

            public void Close()
            {
                if (!IsClosed)
                {
                    IsClosed = true;
                    Queue.Clear();
                    _peer.SocketsOpen--;
                }
            }
        }

        // What the scripted server reads of a read request: the name, and the two options it grants.
        // The device's own build has no request parser, since a device never serves.
        private sealed class Request
        {
            public Request(byte[] packet, int length)
            {
                int position = 2;
                FileName = Next(packet, length, ref position);
                Next(packet, length, ref position);
                while (position < length)
                {
                    string name = Next(packet, length, ref position);
                    string value = Next(packet, length, ref position);
                    HasOptions = true;
                    if (name == "blksize")
                    {
                        BlockSize = int.Parse(value);
                    }
                    else if (name == "tsize")
                    {
                        AsksTransferSize = true;
                    }
                }
            }

            public string FileName { get; private set; }

            public bool HasOptions { get; private set; }

            public int BlockSize { get; private set; }

            public bool AsksTransferSize { get; private set; }

            private static string Next(byte[] packet, int length, ref int position)
            {
                int start = position;
                while (position < length && packet[position] != 0)
                {
                    position++;
                }

                string text = new string(System.Text.Encoding.UTF8.GetChars(packet, start, position - start));
                position++;
                return text;
            }
        }
    }
}
