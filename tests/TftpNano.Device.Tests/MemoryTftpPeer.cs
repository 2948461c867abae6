using System;
using System.Collections;
using System.Net;
using System.Threading;
using TftpNano.Protocol;
using TftpNano.Transfer;

namespace TftpNano.Device.Tests
{
    /// <summary>
    /// The client's socket with a scripted TFTP server behind it, all in memory: each datagram the
    /// engine sends is answered as a lock-step RFC 1350/2347 server would, with the faults a test asks
    /// for, so that the download engine and the updater run in the interpreter without a network.
    /// </summary>
    /// <remarks>
    /// Each transfer answers from a port of its own (5000, 5001, ...), as a real server does. An empty
    /// queue waits out the receive timeout, as a socket does. The server grants blksize and tsize and
    /// never windowsize, so the engine runs in lock-step; it resends a block when the ACK before it is
    /// repeated.
    /// </remarks>
    internal sealed class MemoryTftpPeer : IDatagramTransport
    {
        /// <summary>Where requests go.</summary>
        public static readonly IPEndPoint RequestEndPoint = new IPEndPoint(IPAddress.Parse("127.0.0.1"), 69);

        /// <summary>A port of the server's address that is in no transfer.</summary>
        public static readonly IPEndPoint Stranger = new IPEndPoint(IPAddress.Parse("127.0.0.1"), 4999);

        private readonly ArrayList _files = new ArrayList();
        private readonly ArrayList _queue = new ArrayList();
        private readonly ArrayList _dropped = new ArrayList();
        private readonly ArrayList _errorsFromClient = new ArrayList();
        private readonly byte[] _scratch = new byte[2048];
        private EndPoint _lastSender;
        private IPEndPoint _transfer;
        private byte[] _data;
        private int _blockSize;
        private int _lastBlockSent;
        private int _transferCount;

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

        /// <summary>Gets how many DATA datagrams the server sent, lost ones included.</summary>
        public int DataSent { get; private set; }

        /// <summary>Gets the names requested, in order, separated by '|'.</summary>
        public string Requested { get; private set; } = string.Empty;

        /// <summary>Gets how many datagrams the client sent to the stranger.</summary>
        public int SentToStranger { get; private set; }

        /// <inheritdoc/>
        public EndPoint LastSender
        {
            get { return _lastSender; }
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

        /// <inheritdoc/>
        public void Send(byte[] buffer, int count, EndPoint remote)
        {
            if (Stranger.Equals(remote))
            {
                SentToStranger++;
                return;
            }

            TftpOpcode opcode = TftpPacket.ReadOpcode(buffer, count);
            if (opcode == TftpOpcode.ReadRequest && RequestEndPoint.Equals(remote))
            {
                OnRequest(TftpPacket.ReadRequest(buffer, count));
            }
            else if (opcode == TftpOpcode.Acknowledgement && remote.Equals(_transfer))
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

        /// <inheritdoc/>
        public int Receive(byte[] buffer, int timeoutMs)
        {
            if (_queue.Count == 0)
            {
                Thread.Sleep(timeoutMs);
                return -1;
            }

            byte[] datagram = (byte[])_queue[0];
            _lastSender = (EndPoint)_queue[1];
            _queue.RemoveAt(0);
            _queue.RemoveAt(0);
            int length = datagram.Length < buffer.Length ? datagram.Length : buffer.Length;
            Array.Copy(datagram, buffer, length);
            return length;
        }

        private void OnRequest(TftpRequest request)
        {
            Requested = Requested.Length == 0 ? request.FileName : Requested + "|" + request.FileName;
            _transfer = new IPEndPoint(RequestEndPoint.Address, 5000 + _transferCount++);
            _data = Find(request.FileName);
            _lastBlockSent = 0;
            if (_data == null)
            {
                Enqueue(TftpPacket.WriteError(_scratch, TftpErrorCode.FileNotFound, "File not found"));
                return;
            }

            _blockSize = TftpPacket.DefaultBlockSize;
            if (request.Options.IsEmpty || IgnoreOptions)
            {
                SendBlock(1);
                return;
            }

            TftpOptions granted = new TftpOptions();
            if (request.Options.BlockSize > 0)
            {
                _blockSize = request.Options.BlockSize;
                granted.BlockSize = _blockSize;
            }

            if (request.Options.TransferSize >= 0)
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
            byte[] datagram = new byte[length];
            Array.Copy(_scratch, datagram, length);
            _queue.Add(datagram);
            _queue.Add(from);
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
    }
}
