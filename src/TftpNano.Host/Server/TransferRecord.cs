using System.Net;

namespace TftpNano.Host.Server;

/// <summary>
/// What one server-side transfer did, for logs and tests.
/// </summary>
public sealed class TransferRecord
{
    /// <summary>Gets the client's endpoint (its transfer ID).</summary>
    public required IPEndPoint Client { get; init; }

    /// <summary>Gets the requested file name.</summary>
    public required string FileName { get; init; }

    /// <summary>Gets the block size in effect.</summary>
    public int BlockSize { get; internal set; }

    /// <summary>Gets the window size in effect.</summary>
    public int WindowSize { get; internal set; }

    /// <summary>Gets the DATA packets sent, retransmissions included.</summary>
    public long DataPacketsSent { get; internal set; }

    /// <summary>Gets the DATA packets sent again: after a timeout or a request to resume.</summary>
    public long DataPacketsResent { get; internal set; }

    /// <summary>Gets how often the server's own retransmission timer expired.</summary>
    public long TimeoutsExpired { get; internal set; }

    /// <summary>Gets the ACK packets received from the client.</summary>
    public long AcknowledgementsReceived { get; internal set; }

    /// <summary>Gets the bytes of the file that the client acknowledged.</summary>
    public long BytesAcknowledged { get; internal set; }

    /// <summary>Gets whether the client acknowledged the final block.</summary>
    public bool Completed { get; internal set; }

    /// <summary>Gets why the transfer ended early, or null.</summary>
    public string? Failure { get; internal set; }

    /// <summary>Gets how long the transfer took, from its request to its end.</summary>
    public TimeSpan Duration { get; internal set; }
}
