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
    /// Runs the updater once (one simulated boot), then optionally confirms the active release.
    /// </summary>
    /// <param name="settings">Server, channel, key and policy.</param>
    /// <param name="storage">The storage standing in for the SD card, usually a <see cref="HostStorage"/>.</param>
    /// <param name="confirm">Whether the application confirms a healthy start afterwards.</param>
    /// <param name="log">Receives each step, or null.</param>
    /// <returns>What the updater did, and whether a confirmation was recorded.</returns>
    public static (UpdateResult Result, bool Confirmed) Run(UpdateSettings settings, IUpdateStorage storage, bool confirm, Action<string>? log)
    {
        var updater = new FirmwareUpdater(storage, HostUdpTransportFactory.Instance, settings);
        if (log is not null)
        {
            updater.Log += message => log(message);
        }

        UpdateResult result = updater.Run();
        bool confirmed = confirm && updater.Store.Confirm();
        return (result, confirmed);
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
