using TftpNano.Cli.Net;
using TftpNano.Host.Net;
using TftpNano.Host.Update;
using TftpNano.Security;
using TftpNano.Update;
using TftpNano.Update.Storage;

namespace TftpNano.Cli.Update;

/// <summary>
/// Runs the device's updater against a host folder, as <c>tftpnano update</c> and the demo do.
/// </summary>
internal static class UpdateRunner
{
    /// <summary>
    /// Runs the updater once (one simulated boot), then optionally confirms the active release and
    /// writes the device's report to the server, as a device does.
    /// </summary>
    /// <param name="settings">Server, channel, key, device id and policy.</param>
    /// <param name="storage">The storage standing in for the SD card, usually a <see cref="HostStorage"/>.</param>
    /// <param name="confirm">Whether the application confirms a healthy start afterwards.</param>
    /// <param name="log">Receives each step, or null.</param>
    /// <param name="report">Whether to write the report (<c>reports/ID</c>) to the server.</param>
    /// <returns>What the updater did, whether a confirmation was recorded, and why the report was not
    /// written (null when it was, or when none was asked for).</returns>
    public static (UpdateResult Result, bool Confirmed, string? ReportFailure) Run(UpdateSettings settings, IUpdateStorage storage, bool confirm,
        Action<string>? log, bool report = false)
    {
        var updater = new FirmwareUpdater(storage, HostUdpTransportFactory.Instance, settings);
        if (log is not null)
        {
            updater.Log += message => log(message);
        }

        UpdateResult result = updater.Run();
        bool confirmed = confirm && updater.Store.Confirm();
        string? reportFailure = null;
        if (report)
        {
            DeviceReport described = DeviceReport.Describe(settings.DeviceId, "boot", updater.Store, settings.MaxTrialBoots, result);
            reportFailure = described.Send(HostUdpTransportFactory.Instance, settings.Server, settings.Download.MinTimeoutMs);
            log?.Invoke(reportFailure is null ? $"report: written as {DeviceReport.Folder}/{settings.DeviceId}" : $"report: not written: {reportFailure}");
        }

        return (result, confirmed, reportFailure);
    }

    /// <summary>The lines <c>tftpnano update</c> prints for a result.</summary>
    public static IEnumerable<string> Describe(UpdateResult result, bool confirmed)
    {
        if (result.RolledBackTo is not null)
        {
            yield return $"rolled back to {result.RolledBackTo} (release {result.RolledBackFrom} was never confirmed)";
        }

        switch (result.Outcome)
        {
            case UpdateOutcome.Installed:
                yield return $"installed {result.ActiveVersion} ({result.FilesDownloaded} fetched, {result.FilesCopied} unchanged, "
                    + $"{Units.Bytes(result.BytesDownloaded)} downloaded)";
                break;
            case UpdateOutcome.UpToDate:
                yield return $"up to date {result.ActiveVersion}";
                break;
            case UpdateOutcome.Skipped:
                yield return $"skipped: {result.Message}";
                break;
            case UpdateOutcome.NotInRollout:
                yield return $"not in rollout: {result.Message}";
                break;
        }

        if (confirmed)
        {
            yield return $"confirmed {result.ActiveVersion}";
        }
    }

    /// <summary>
    /// The device id of a host folder standing in for a device: the one given (checked as a device checks
    /// <c>device.id</c>), else <c>host-</c> and the first 12 hex digits of the SHA-256 of the folder's full
    /// path, the same at every run.
    /// </summary>
    public static string DeviceId(string? given, string root)
    {
        if (given is not null)
        {
            return StagedRollout.CheckDeviceId(given) is { } problem ? throw new ArgumentException($"--device-id: {problem}") : given;
        }

        byte[] path = System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar));
        return "host-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(path))[..12];
    }

    /// <summary>Builds updater settings from a tftp:// channel address.</summary>
    public static UpdateSettings Settings(TftpUrl channel, RsaPublicKey? key, bool allowDowngrade, int trialBoots) => new()
    {
        Server = channel.Resolve(),
        Channel = channel.Path.Trim('/'),
        PublicKey = key,
        AllowDowngrade = allowDowngrade,
        MaxTrialBoots = trialBoots,
    };
}
