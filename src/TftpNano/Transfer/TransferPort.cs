using System;
using System.Net;
using System.Threading;
using TftpNano.Protocol;

namespace TftpNano.Transfer
{
    /// <summary>
    /// One transfer's socket and its peer's transfer ID: the receive loop that both the client and the
    /// server run, and the rules of RFC 1350 section 4 about who may take part in a transfer.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <see cref="Receive"/> returns only datagrams from the peer. A datagram from anyone else is a
    /// stranger's: it gets ERROR 5 (unless it is an ERROR itself, which is never answered, or the
    /// <see cref="ReplyBudget"/> is spent) and the transfer goes on.
    /// </para>
    /// <para>
    /// A server knows its peer from the request. A client knows only the server's address: the server
    /// answers from a new port, which becomes the peer when the first datagram that can answer the
    /// request arrives from that address: an OACK, an ERROR, or DATA 1 to a read request and ACK 0 to a
    /// write request. Anything else from that address (a spoofed or stale datagram) is a stranger's and
    /// cannot take over the transfer.
    /// </para>
    /// </remarks>
    public sealed partial class TransferPort
    {
        /// <summary>What <see cref="Receive"/> returns when the deadline passed with nothing from the peer.</summary>
        public const int Expired = -1;

        /// <summary>What <see cref="Receive"/> returns once <see cref="Cancel"/> was called.</summary>
        public const int Canceled = -2;

        // The longest single wait, so that Cancel takes effect promptly even during a long back-off.
        private const int PollMs = 100;

        private const string UnknownTransferId = "Unknown transfer ID";

        private readonly IDatagramTransport _transport;
        private readonly byte[] _buffer;
        private readonly IPAddress _peerAddress;
        private readonly ReplyBudget _strangerReplies;
        private readonly byte[] _strangerReply;

        // What answers the request without options: DATA 1 to a read, ACK 0 to a write.
        private readonly TftpOpcode _plainAnswer;
        private readonly int _plainAnswerBlock;
        private EndPoint _peer;
        private long _datagramsReceived;
        private long _strayDatagrams;

        // 1 once Cancel was called: an int through Interlocked, since nanoFramework's mscorlib has no
        // IsVolatile and a volatile field does not compile there.
        private int _canceled;

        private TransferPort(IDatagramTransport transport, byte[] buffer, EndPoint peer, IPAddress peerAddress, ReplyBudget strangerReplies,
            TftpOpcode plainAnswer, int plainAnswerBlock)
        {
            if (transport == null)
            {
                throw new ArgumentNullException("transport");
            }

            if (buffer == null)
            {
                throw new ArgumentNullException("buffer");
            }

            _transport = transport;
            _buffer = buffer;
            _peer = peer;
            _peerAddress = peerAddress;
            _strangerReplies = strangerReplies;
            _plainAnswer = plainAnswer;
            _plainAnswerBlock = plainAnswerBlock;
            _strangerReply = new byte[TftpPacket.DataHeaderLength + UnknownTransferId.Length + 1];
            TftpPacket.WriteError(_strangerReply, TftpErrorCode.UnknownTransferId, UnknownTransferId);
        }

        /// <summary>
        /// A client's port for one request: the peer is latched from the server's first answer.
        /// </summary>
        /// <param name="transport">A socket on a new port for this request; closed by <see cref="Close"/>.</param>
        /// <param name="buffer">Where datagrams are received.</param>
        /// <param name="server">The address the request goes to, which the answer must come from.</param>
        /// <param name="strangerReplies">Limits ERROR 5 replies; null for no limit.</param>
        /// <returns>The port.</returns>
        public static TransferPort ForReadRequest(IDatagramTransport transport, byte[] buffer, IPAddress server, ReplyBudget strangerReplies)
        {
            if (server == null)
            {
                throw new ArgumentNullException("server");
            }

            return new TransferPort(transport, buffer, null, server, strangerReplies, TftpOpcode.Data, 1);
        }

        /// <summary>
        /// A client's port for one write request: the peer is latched from the server's first answer.
        /// </summary>
        /// <param name="transport">A socket on a new port for this request; closed by <see cref="Close"/>.</param>
        /// <param name="buffer">Where datagrams are received.</param>
        /// <param name="server">The address the request goes to, which the answer must come from.</param>
        /// <param name="strangerReplies">Limits ERROR 5 replies; null for no limit.</param>
        /// <returns>The port.</returns>
        public static TransferPort ForWriteRequest(IDatagramTransport transport, byte[] buffer, IPAddress server, ReplyBudget strangerReplies)
        {
            if (server == null)
            {
                throw new ArgumentNullException("server");
            }

            return new TransferPort(transport, buffer, null, server, strangerReplies, TftpOpcode.Acknowledgement, 0);
        }

        /// <summary>
        /// Gets the peer's transfer ID, or null while a request is still unanswered.
        /// </summary>
        public EndPoint Peer
        {
            get { return _peer; }
        }

        /// <summary>
        /// Gets how many datagrams arrived on this port, strangers' included.
        /// </summary>
        public long DatagramsReceived
        {
            get { return _datagramsReceived; }
        }

        /// <summary>
        /// Gets how many datagrams came from someone other than the peer.
        /// </summary>
        public long StrayDatagrams
        {
            get { return _strayDatagrams; }
        }

        /// <summary>
        /// Waits for the next datagram from the peer.
        /// </summary>
        /// <param name="deadline">When to stop waiting, in <see cref="Environment.TickCount64"/> milliseconds.</param>
        /// <returns>Its length in the buffer, <see cref="Expired"/> or <see cref="Canceled"/>.</returns>
        public int Receive(long deadline)
        {
            while (Interlocked.CompareExchange(ref _canceled, 0, 0) == 0)
            {
                long remaining = deadline - Environment.TickCount64;
                if (remaining <= 0)
                {
                    return Expired;
                }

                int length = _transport.Receive(_buffer, remaining > PollMs ? PollMs : (int)remaining);
                if (length < 0)
                {
                    continue;
                }

                _datagramsReceived++;
                if (IsFromPeer(length))
                {
                    return length;
                }

                _strayDatagrams++;
                if (!TftpPacket.IsError(_buffer, length) && (_strangerReplies == null || _strangerReplies.TryTake()))
                {
                    SendBestEffort(_strangerReply, _strangerReply.Length, _transport.LastSender);
                }
            }

            return Canceled;
        }

        /// <summary>
        /// Sends a datagram to the peer.
        /// </summary>
        /// <param name="buffer">The datagram, from index 0.</param>
        /// <param name="length">Its length.</param>
        public void Send(byte[] buffer, int length)
        {
            if (_peer == null)
            {
                throw new InvalidOperationException("The peer has not answered yet.");
            }

            _transport.Send(buffer, length, _peer);
        }

        /// <summary>
        /// Sends a request to the server's request port; only a client's port may.
        /// </summary>
        /// <param name="buffer">The request, from index 0.</param>
        /// <param name="length">Its length.</param>
        /// <param name="requestEndPoint">The server's request endpoint, at the address the port was made for.</param>
        public void SendRequest(byte[] buffer, int length, IPEndPoint requestEndPoint)
        {
            if (_peerAddress == null || !_peerAddress.Equals(requestEndPoint.Address))
            {
                throw new InvalidOperationException("A request goes to the server this port was made for.");
            }

            _transport.Send(buffer, length, requestEndPoint);
        }

        /// <summary>
        /// Tells the peer why the transfer ends, if there is a peer yet. Best effort: a failure to send
        /// must not hide the reason the transfer ends.
        /// </summary>
        /// <param name="buffer">Where to encode the ERROR; a longer message is cut to fit.</param>
        /// <param name="code">The error code.</param>
        /// <param name="message">The message, ASCII.</param>
        public void SendError(byte[] buffer, TftpErrorCode code, string message)
        {
            if (_peer != null)
            {
                SendBestEffort(buffer, TftpPacket.WriteError(buffer, code, message), _peer);
            }
        }

        /// <summary>
        /// Makes the current and every later <see cref="Receive"/> return <see cref="Canceled"/>; safe
        /// from any thread.
        /// </summary>
        public void Cancel()
        {
            Interlocked.Exchange(ref _canceled, 1);
        }

        /// <summary>
        /// Closes the socket: whatever is sent to this port later meets a closed port.
        /// </summary>
        public void Close()
        {
            _transport.Close();
        }

        private bool IsFromPeer(int length)
        {
            EndPoint sender = _transport.LastSender;
            if (_peer != null)
            {
                return _peer.Equals(sender);
            }

            IPEndPoint from = sender as IPEndPoint;
            if (from != null && _peerAddress.Equals(from.Address) && CanAnswerRequest(length))
            {
                _peer = sender;
                return true;
            }

            return false;
        }

        private bool CanAnswerRequest(int length)
        {
            if (length < TftpPacket.AcknowledgementLength || _buffer[0] != 0)
            {
                return false;
            }

            switch ((TftpOpcode)_buffer[1])
            {
                case TftpOpcode.OptionAcknowledgement:
                case TftpOpcode.Error:
                    return true;
                case TftpOpcode.Data:
                case TftpOpcode.Acknowledgement:
                    return (TftpOpcode)_buffer[1] == _plainAnswer && TftpPacket.ReadBlockNumber(_buffer, length) == _plainAnswerBlock;
                default:
                    return false;
            }
        }

        private void SendBestEffort(byte[] buffer, int length, EndPoint to)
        {
            try
            {
                _transport.Send(buffer, length, to);
            }
            catch (Exception)
            {
            }
        }
    }
}
