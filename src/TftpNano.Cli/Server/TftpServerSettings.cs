using TftpNano.Protocol;

namespace TftpNano.Cli.Server;

/// <summary>
/// Limits and behaviour of the embedded server.
/// </summary>
public sealed class TftpServerSettings
{
    /// <summary>Gets the largest block size granted. Default 65464, the RFC 2348 maximum.</summary>
    public int MaxBlockSize { get; init; } = TftpOptions.MaxBlockSize;

    /// <summary>Gets the largest window granted. Default 64.</summary>
    public int MaxWindowSize { get; init; } = 64;

    /// <summary>Gets the retransmission timeout when the client negotiates none. Default 1 s.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets how many timeouts in a row end a transfer. Default 5.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>Gets scripted faults for tests; null for a well-behaved server.</summary>
    public FaultScript? Faults { get; init; }
}
