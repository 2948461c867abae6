using TftpNano.Protocol;

namespace TftpNano.Cli.Server;

/// <summary>What the server does with one datagram it is about to send.</summary>
public enum FaultAction
{
    /// <summary>Send it as usual.</summary>
    Send,

    /// <summary>Do not send it, as if the network lost it.</summary>
    Drop,

    /// <summary>Send it twice.</summary>
    Duplicate,

    /// <summary>Send it after the next datagram of the transfer, reordering the two.</summary>
    Hold,

    /// <summary>Send a copy from another port first (a stray transfer ID), then the datagram itself.</summary>
    AlsoFromStrayPort,

    /// <summary>Send ERROR 0 instead and end the transfer.</summary>
    FailTransfer,
}

/// <summary>One datagram the server is about to send.</summary>
/// <param name="Opcode">DATA or OACK.</param>
/// <param name="Block">The absolute block number (1 for the first, beyond 65535 after a wrap); 0 for OACK.</param>
/// <param name="Attempt">1 for the first time this block is sent, 2 for its first retransmission, and so on.</param>
public readonly record struct OutgoingPacket(TftpOpcode Opcode, long Block, int Attempt);

/// <summary>
/// Scripted behaviour of the embedded server, for tests that need a misbehaving or lossy peer.
/// </summary>
public sealed class FaultScript
{
    /// <summary>Gets what to do with each outgoing DATA or OACK; null sends everything.</summary>
    public Func<OutgoingPacket, FaultAction>? OnSend { get; init; }

    /// <summary>
    /// Gets which incoming ACKs to ignore, as if the network lost them: called with each ACK's block
    /// number as sent (wrapping at 65536); null keeps them all.
    /// </summary>
    public Func<int, bool>? DropAcknowledgement { get; init; }

    /// <summary>Gets whether requests are answered as if options did not exist (DATA 1 straight away).</summary>
    public bool IgnoreOptions { get; init; }

    /// <summary>Gets whether a request with options is refused with ERROR 8.</summary>
    public bool RejectOptions { get; init; }

    /// <summary>Gets an OACK to send verbatim instead of the negotiated one, for clients' validation tests.</summary>
    public TftpOptions? ForcedOptionAcknowledgement { get; init; }
}
