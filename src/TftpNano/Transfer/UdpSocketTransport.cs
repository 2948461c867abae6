using System;
using System.Net;
using System.Net.Sockets;

namespace TftpNano.Transfer
{
    /// <summary>
    /// A transport over a UDP <see cref="Socket"/> that uses only what nanoFramework's socket offers.
    /// </summary>
    public sealed class UdpSocketTransport : IDatagramTransport, IDisposable
    {
        // WSAETIMEDOUT: how both nanoFramework and desktop .NET report an expired ReceiveTimeout.
        private const int TimedOutErrorCode = 10060;

        // WSAECONNRESET: Windows reports an ICMP port-unreachable from an earlier send on the next receive.
        private const int ConnectionResetErrorCode = 10054;

        private readonly Socket _socket;
        private readonly EndPoint _anyEndPoint;
        private EndPoint _lastSender;
        private int _receiveTimeoutMs;

        /// <summary>
        /// Opens a UDP socket bound to an ephemeral port on every local address of the given family.
        /// </summary>
        /// <param name="addressFamily">The family of the server's address.</param>
        public UdpSocketTransport(AddressFamily addressFamily)
        {
            _socket = new Socket(addressFamily, SocketType.Dgram, ProtocolType.Udp);
            _anyEndPoint = new IPEndPoint(addressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);

            // nanoFramework's ReceiveFrom refuses an unbound socket, so bind before anything else. An
            // ESP32 has about ten sockets: one that cannot be bound is closed, not leaked.
            try
            {
                _socket.Bind(_anyEndPoint);
            }
            catch
            {
                _socket.Close();
                throw;
            }
        }

        /// <inheritdoc/>
        public EndPoint LastSender
        {
            get { return _lastSender; }
        }

        /// <inheritdoc/>
        public void Send(byte[] buffer, int count, EndPoint remote)
        {
            _socket.SendTo(buffer, 0, count, SocketFlags.None, remote);
        }

        /// <inheritdoc/>
        public int Receive(byte[] buffer, int timeoutMs)
        {
            if (timeoutMs < 1)
            {
                // A ReceiveTimeout of 0 would wait forever.
                timeoutMs = 1;
            }

            if (timeoutMs != _receiveTimeoutMs)
            {
                _socket.ReceiveTimeout = timeoutMs;
                _receiveTimeoutMs = timeoutMs;
            }

            while (true)
            {
                EndPoint sender = _anyEndPoint;
                try
                {
                    int length = _socket.ReceiveFrom(buffer, 0, buffer.Length, SocketFlags.None, ref sender);
                    _lastSender = sender;
                    return length;
                }
                catch (SocketException e)
                {
                    if (e.ErrorCode == TimedOutErrorCode)
                    {
                        return -1;
                    }

                    if (e.ErrorCode != ConnectionResetErrorCode)
                    {
                        throw;
                    }
                }
            }
        }

        /// <inheritdoc/>
        public void Close()
        {
            _socket.Close();
        }

        /// <inheritdoc/>
        public void Dispose()
        {
            Close();
        }
    }
}
