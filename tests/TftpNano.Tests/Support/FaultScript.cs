using System.Net;
using TftpNano.Cli.Net;
using TftpNano.Host.Net;
using TftpNano.Protocol;
using TftpNano.Transfer;

namespace TftpNano.Tests.Support;

/// <summary>What happens to one datagram a server transfer sends.</summary>
internal enum FaultAction
{
    /// <summary>Sent as is.</summary>
    Send,

    /// <summary>Lost.</summary>
    Drop,

    /// <summary>Delivered twice.</summary>
    Duplicate,

    /// <summary>Held back and delivered after the next datagram: the two arrive swapped.</summary>
    Hold,

    /// <summary>Also sent from another port of the server's address, as a stranger would.</summary>
    AlsoFromStrayPort,

    /// <summary>Replaced by ERROR 0 "Scripted failure.", which ends the transfer.</summary>
    FailTransfer,
}

/// <summary>A datagram a server transfer is about to send: its opcode, block (0 for an OACK) and how often it was sent before.</summary>
internal readonly record struct OutgoingPacket(TftpOpcode Opcode, int Block, int Attempt);

/// <summary>
/// Faults for the embedded server's transfers, injected by wrapping each transfer's socket: the
/// server itself carries no fault hooks.
/// </summary>
internal sealed class FaultScript
{
    private int _strayErrorsReceived;

    /// <summary>Gets what happens to each datagram a transfer sends.</summary>
    public Func<OutgoingPacket, FaultAction>? OnSend { get; init; }

    /// <summary>Gets which ACKs (by block number) are lost on their way to the server.</summary>
    public Func<int, bool>? DropAcknowledgement { get; init; }

    /// <summary>Gets whether the server answers options as an RFC 1350 server would (a server setting).</summary>
    public bool IgnoreOptions { get; init; }

    /// <summary>Gets whether every OACK is replaced by ERROR 8, which ends that transfer.</summary>
    public bool RejectOptions { get; init; }

    /// <summary>Gets the OACK sent in place of the server's own, or null.</summary>
    public TftpOptions? ForcedOptionAcknowledgement { get; init; }

    /// <summary>Gets how many ERROR datagrams the stray ports received back.</summary>
    public int StrayErrorsReceived => Volatile.Read(ref _strayErrorsReceived);

    /// <summary>Wraps a transfer's socket.</summary>
    public IDatagramTransport Wrap(IDatagramTransport socket, IPAddress address) => new FaultyTransport(this, socket, address);

    private sealed class FaultyTransport(FaultScript script, IDatagramTransport inner, IPAddress address) : IDatagramTransport
    {
        private readonly Dictionary<int, int> _attempts = [];
        private readonly byte[] _rewritten = new byte[1024];
        private HostUdpTransport? _stray;
        private byte[]? _held;
        private string? _ended;

        public EndPoint LastSender => inner.LastSender;

        public void Send(byte[] buffer, int count, EndPoint remote)
        {
            TftpOpcode opcode = (TftpOpcode)buffer[1];
            if (opcode == TftpOpcode.OptionAcknowledgement && script.RejectOptions)
            {
                inner.Send(_rewritten, TftpPacket.WriteError(_rewritten, TftpErrorCode.OptionNegotiationFailed, "Options are refused."), remote);
                _ended = "options refused";
                return;
            }

            if (opcode == TftpOpcode.OptionAcknowledgement && script.ForcedOptionAcknowledgement is { } forced)
            {
                (buffer, count) = (_rewritten, TftpPacket.WriteOptionAcknowledgement(_rewritten, forced));
            }

            int block = opcode == TftpOpcode.Data ? TftpPacket.ReadBlockNumber(buffer, count) : 0;
            int attempt = _attempts[block] = _attempts.GetValueOrDefault(block) + 1;
            switch (script.OnSend?.Invoke(new OutgoingPacket(opcode, block, attempt)) ?? FaultAction.Send)
            {
                case FaultAction.Drop:
                    return;
                case FaultAction.Duplicate:
                    inner.Send(buffer, count, remote);
                    break;
                case FaultAction.Hold:
                    _held = buffer[..count];
                    return;
                case FaultAction.AlsoFromStrayPort:
                    _stray ??= new HostUdpTransport(address.AddressFamily, new IPEndPoint(address, 0));
                    _stray.Send(buffer, count, remote);
                    break;
                case FaultAction.FailTransfer:
                    inner.Send(_rewritten, TftpPacket.WriteError(_rewritten, TftpErrorCode.NotDefined, "Scripted failure."), remote);
                    _ended = "scripted failure";
                    return;
            }

            inner.Send(buffer, count, remote);
            if (_held is { } held)
            {
                _held = null;
                inner.Send(held, held.Length, remote);
            }
        }

        public int Receive(byte[] buffer, int timeoutMs)
        {
            if (_ended is not null)
            {
                // The transfer is over for the client: end it on the server as a broken socket would.
                throw new IOException(_ended);
            }

            long deadline = Environment.TickCount64 + timeoutMs;
            while (true)
            {
                int length = inner.Receive(buffer, (int)Math.Max(1, deadline - Environment.TickCount64));
                bool dropped = length >= TftpPacket.AcknowledgementLength && buffer[1] == (byte)TftpOpcode.Acknowledgement
                    && script.DropAcknowledgement?.Invoke(TftpPacket.ReadBlockNumber(buffer, length)) == true;
                if (!dropped || Environment.TickCount64 >= deadline)
                {
                    return dropped ? -1 : length;
                }
            }
        }

        public void Close()
        {
            if (_stray is not null)
            {
                // The client answers the stranger with ERROR 5: wait for it a moment.
                byte[] packet = new byte[1024];
                long end = Environment.TickCount64 + 500;
                while (Environment.TickCount64 < end)
                {
                    int length = _stray.Receive(packet, 100);
                    if (length >= TftpPacket.DataHeaderLength && packet[1] == (byte)TftpOpcode.Error)
                    {
                        Interlocked.Increment(ref script._strayErrorsReceived);
                        break;
                    }
                }

                _stray.Close();
            }

            inner.Close();
        }
    }
}
