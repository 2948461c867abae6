using System.Net;
using TftpNano.Cli.Net;
using TftpNano.Host.Net;
using TftpNano.Host.Server;
using TftpNano.Transfer;

namespace TftpNano.Tests.Support;

/// <summary>
/// The embedded server on a loopback port over a temporary folder, and a client to download from it.
/// </summary>
internal sealed class EmbeddedServer : IDisposable
{
    private readonly Workspace _workspace = new();

    public EmbeddedServer(FaultScript? faults = null, TimeSpan? timeout = null, int? maxBlockSize = null, int? maxWindowSize = null,
        TimeSpan? maxSilence = null, string? reports = null)
    {
        Folder = _workspace.Folder("served");
        var defaults = new TftpServerSettings();
        Server = new TftpServer(Folder, new IPEndPoint(IPAddress.Loopback, 0), new TftpServerSettings
        {
            DefaultTimeout = timeout ?? TimeSpan.FromSeconds(1),
            MaxBlockSize = maxBlockSize ?? defaults.MaxBlockSize,
            MaxWindowSize = maxWindowSize ?? defaults.MaxWindowSize,
            IgnoreOptions = faults?.IgnoreOptions ?? false,
            MaxSilence = maxSilence ?? defaults.MaxSilence,
            ReportsFolder = reports,
            OpenTransferSocket = faults is null
                ? defaults.OpenTransferSocket
                : local => faults.Wrap(defaults.OpenTransferSocket(local), local.Address),
        });
        Server.Start();
    }

    public string Folder { get; }

    public TftpServer Server { get; }

    public IPEndPoint EndPoint => Server.LocalEndPoint;

    /// <summary>
    /// Settings for engine tests: a floor well above scheduler noise on a loaded CI machine, so that
    /// every timeout a test counts comes from the scenario and not from a slow thread.
    /// </summary>
    public static TftpDownloadSettings Settings(int blockSize = 1468, int windowSize = 1, bool useOptions = true) => new()
    {
        BlockSize = blockSize,
        WindowSize = windowSize,
        UseOptions = useOptions,
        MinTimeoutMs = 100,
    };

    public string AddFile(string name, long size, int seed = 0) => TestContent.WriteFile(Folder, name, size, seed);

    /// <summary>Downloads a file written by <see cref="AddFile"/> and checks every byte on the way.</summary>
    public (TftpDownload Download, VerifyingStream Destination) Download(string name, TftpDownloadSettings settings, int seed = 0)
    {
        var destination = new VerifyingStream(seed);
        return (Run(name, settings, destination), destination);
    }

    /// <summary>Downloads a file into <paramref name="destination"/> on a transport of its own.</summary>
    public TftpDownload Run(string name, TftpDownloadSettings settings, Stream destination)
    {
        var download = new TftpDownload(HostUdpTransportFactory.Instance, settings);
        download.Run(EndPoint, name, destination);
        return download;
    }

    /// <summary>The server's record of its one finished transfer.</summary>
    public TransferRecord SingleRecord()
    {
        Assert.True(Server.WaitForFinishedTransfers(1, TimeSpan.FromSeconds(10)), "the server transfer did not end");
        return Assert.Single(Server.FinishedTransfers);
    }

    public void Dispose()
    {
        Server.Dispose();
        _workspace.Dispose();
    }
}
