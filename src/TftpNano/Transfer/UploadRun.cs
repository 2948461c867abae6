using System;
using System.Net;
using TftpNano.Protocol;
using TftpNano.Text;

namespace TftpNano.Transfer
{
    /// <summary>
    /// One write request (RFC 1350): a small file held in memory sent to a server in lock-step blocks of
    /// 512 bytes, within a time budget, on a socket of its own.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The request carries no options: a file of a few hundred bytes gains nothing from them, and every
    /// server that takes writes takes a plain request. The sender waits for the ACK of the block it sent
    /// and ignores everything else from the server (a repeated ACK above all: answering it would send
    /// every later block twice, RFC 1123 4.2.3.1); only its timer resends.
    /// </para>
    /// <para>
    /// The budget bounds the whole transfer, retransmissions included, so that whoever waits for it
    /// (a boot about to start its release) waits that long at most, whatever the server does.
    /// </para>
    /// </remarks>
    internal sealed class UploadRun
    {
        private readonly IDatagramTransportFactory _transports;
        private readonly IPEndPoint _server;
        private readonly string _fileName;
        private readonly byte[] _sendBuffer;
        private readonly byte[] _receiveBuffer;
        private readonly RetransmissionTimer _timer;
        private TransferPort _port;

        /// <summary>
        /// Prepares a write request; <see cref="Execute"/> sends it.
        /// </summary>
        /// <param name="transports">Opens the transfer's socket.</param>
        /// <param name="server">The server's request endpoint.</param>
        /// <param name="fileName">The name to write, as the server sees it.</param>
        /// <param name="firstTimeoutMs">The first wait for an answer; it adapts to the round trip after that.</param>
        /// <param name="minTimeoutMs">The shortest wait (three ticks of the device's clock).</param>
        public UploadRun(IDatagramTransportFactory transports, IPEndPoint server, string fileName, int firstTimeoutMs, int minTimeoutMs)
        {
            _transports = transports;
            _server = server;
            _fileName = fileName;

            // A request and a block fit in the same 516 bytes; what comes back is an ACK or an ERROR.
            _sendBuffer = new byte[TftpPacket.DataHeaderLength + TftpPacket.DefaultBlockSize];
            _receiveBuffer = new byte[TftpPacket.DataHeaderLength + TftpPacket.DefaultBlockSize];
            _timer = new RetransmissionTimer(firstTimeoutMs, minTimeoutMs, firstTimeoutMs * 4, new Random().Next());
        }

        private static long Now
        {
            get { return Environment.TickCount64; }
        }

        /// <summary>
        /// Sends the file and returns once the server acknowledged its final block.
        /// </summary>
        /// <param name="content">The file's bytes, from index 0.</param>
        /// <param name="length">How many bytes.</param>
        /// <param name="budgetMs">The longest the whole transfer may take.</param>
        /// <exception cref="TftpException">The server refused the file (its ERROR), did not answer within
        /// the budget, or the network failed.</exception>
        public void Execute(byte[] content, int length, int budgetMs)
        {
            long end = Now + budgetMs;
            if (TftpPacket.DataHeaderLength + _fileName.Length + 8 > _sendBuffer.Length)
            {
                throw new ArgumentException("The file name is too long for a request.", "fileName");
            }

            IDatagramTransport transport;
            try
            {
                transport = _transports.Open(_server.AddressFamily);
            }
            catch (Exception e)
            {
                throw NetworkFailed("open a socket", e);
            }

            _port = TransferPort.ForWriteRequest(transport, _receiveBuffer, _server.Address, null);
            try
            {
                // Block 0 is the request, whose answer is ACK 0; block n carries bytes from (n - 1) x 512.
                int block = 0;
                int packetLength = TftpPacket.WriteRequest(_sendBuffer, TftpOpcode.WriteRequest, _fileName, null);
                bool final = false;
                long deadline = SendCurrent(block, packetLength, true);
                while (true)
                {
                    if (!AwaitAcknowledgement(block, deadline < end ? deadline : end))
                    {
                        if (Now >= end)
                        {
                            throw new TftpException(TftpFailure.TimedOut, "No answer from "
                                + _server.ToString() + " for '" + _fileName + "' at " + (block == 0 ? "the request" : "block " + block.ToString())
                                + " within " + budgetMs.ToString() + " ms.");
                        }

                        _timer.BackOff();
                        deadline = SendCurrent(block, packetLength, false);
                        continue;
                    }

                    _timer.Answered(block == 0);
                    _timer.ResetBackOff();
                    if (final)
                    {
                        return;
                    }

                    block++;
                    int offset = (block - 1) * TftpPacket.DefaultBlockSize;
                    int payload = length - offset < TftpPacket.DefaultBlockSize ? length - offset : TftpPacket.DefaultBlockSize;
                    final = payload < TftpPacket.DefaultBlockSize;
                    TftpPacket.WriteDataHeader(_sendBuffer, BlockNumber.OnTheWire(block));
                    Array.Copy(content, offset, _sendBuffer, TftpPacket.DataHeaderLength, payload);
                    packetLength = TftpPacket.DataHeaderLength + payload;
                    deadline = SendCurrent(block, packetLength, true);
                }
            }
            finally
            {
                _port.Close();
            }
        }

        // Reads until the ACK of the block, or the deadline; an ERROR ends the transfer.
        private bool AwaitAcknowledgement(int block, long deadline)
        {
            while (true)
            {
                int length;
                try
                {
                    length = _port.Receive(deadline);
                }
                catch (Exception e)
                {
                    throw NetworkFailed("receive", e);
                }

                if (length < 0)
                {
                    return false;
                }

                if (TftpPacket.IsError(_receiveBuffer, length))
                {
                    string message;
                    TftpErrorCode code = TftpPacket.ReadAnyError(_receiveBuffer, length, out message);
                    throw new TftpException(code, message, _server.ToString() + " refused to take '" + _fileName
                        + "' with TFTP error " + ((int)code).ToString() + " (" + TftpErrorDescriptions.Describe(code) + "): " + message);
                }

                if (length >= TftpPacket.AcknowledgementLength && _receiveBuffer[0] == 0
                    && _receiveBuffer[1] == (byte)TftpOpcode.Acknowledgement
                    && TftpPacket.ReadBlockNumber(_receiveBuffer, length) == BlockNumber.OnTheWire(block))
                {
                    return true;
                }
            }
        }

        // Returns when to stop waiting for its ACK.
        private long SendCurrent(int block, int length, bool fresh)
        {
            try
            {
                if (block == 0)
                {
                    _port.SendRequest(_sendBuffer, length, _server);
                }
                else
                {
                    _port.Send(_sendBuffer, length);
                }
            }
            catch (Exception e)
            {
                throw NetworkFailed(block == 0 ? "send the request" : "send block " + block.ToString(), e);
            }

            return _timer.Sent(fresh);
        }

        private TftpException NetworkFailed(string step, Exception e)
        {
            return new TftpException(TftpFailure.NetworkFailed, TftpErrorCode.NotDefined, "The network failed: could not " + step
                + " for '" + _fileName + "' to " + _server.ToString() + ": " + ExceptionText.Describe(e), e);
        }
    }
}
