using System.Net;
using TftpNano.Host.Net;
using TftpNano.Protocol;
using TftpNano.Transfer;

namespace TftpNano.Host.Server;

/// <summary>
/// Limits and behaviour of the embedded server.
/// </summary>
public sealed class TftpServerSettings
{
    /// <summary>
    /// Gets the folder of the served tree that takes devices' reports by write request (see
    /// <see cref="ReportFolder"/>), such as <c>reports</c>; null (the default) for a read-only server.
    /// </summary>
    public string? ReportsFolder { get; init; }

    /// <summary>Gets the largest block size granted. Default 65464, the RFC 2348 maximum.</summary>
    public int MaxBlockSize { get; init; } = TftpOptions.MaxBlockSize;

    /// <summary>Gets the largest window granted. Default 64.</summary>
    public int MaxWindowSize { get; init; } = 64;

    /// <summary>Gets the retransmission timeout when the client negotiates none. Default 1 s.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets the largest <c>timeout</c> option granted, in seconds. Default 5: a client may ask for up to
    /// 255 (RFC 2349), and a transfer that waits that long between retransmissions holds a thread and a
    /// file for most of an hour.
    /// </summary>
    public int MaxTimeoutSeconds { get; init; } = 5;

    /// <summary>Gets how many timeouts in a row end a transfer, each twice as long as the one before. Default 5.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>
    /// Gets how long a client may be silent before its transfer ends, at the first retransmission
    /// timeout after it: with the default 1 s timer, a client that went away without a trace frees its
    /// slot after 7 s (timeouts of 1, 2 and 4 s), not after every retry. Default 5 s. A client whose host
    /// reports its port closed (ICMP port unreachable) ends its transfer at once.
    /// </summary>
    public TimeSpan MaxSilence { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets how many transfers may run at once, each with a thread, a socket and the open file: 64 by
    /// default, which with the waiting line keeps a server within <c>ulimit -n 1024</c>.
    /// </summary>
    public int MaxTransfers { get; init; } = 64;

    /// <summary>
    /// Gets how many requests over <see cref="MaxTransfers"/> wait for a transfer to end, first come first
    /// served, without a reply meanwhile; a request beyond them gets ERROR 0 "Server busy.". Default 1024:
    /// a building of devices that boot together after a power cut.
    /// </summary>
    public int MaxWaitingRequests { get; init; } = 1024;

    /// <summary>
    /// Gets how long a request waits at most; its client has given up long before (a device asks for
    /// about 40 s). Default 60 s.
    /// </summary>
    public TimeSpan MaxRequestWait { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets how many transfers one client address may run at once. Default 8.</summary>
    public int MaxTransfersPerClient { get; init; } = 8;

    /// <summary>Gets how many ERROR replies to malformed or refused requests are sent per second at most. Default 50.</summary>
    public int MaxErrorsPerSecond { get; init; } = 50;

    /// <summary>
    /// Gets whether requests with options are answered as by an RFC 1350 server, with DATA in 512-byte
    /// blocks: for trying a client against servers that know no options. Default false.
    /// </summary>
    public bool IgnoreOptions { get; init; }

    /// <summary>
    /// Gets the ports transfers are served from, first and last, for a firewall that lets only those
    /// through; null for any free port. When every port of the range is taken, a request gets ERROR 0
    /// "Server busy.".
    /// </summary>
    public (int First, int Last)? TransferPorts { get; init; }

    /// <summary>
    /// Gets what opens each transfer's socket on the listener's address and the given port (0 for any
    /// free one). Default: a host socket. Tests wrap it to lose, duplicate or rewrite what a transfer
    /// sends and receives.
    /// </summary>
    public Func<IPEndPoint, IDatagramTransport> OpenTransferSocket { get; init; } =
        local => new HostUdpTransport(local.AddressFamily, local, failWhenRefused: true);
}
