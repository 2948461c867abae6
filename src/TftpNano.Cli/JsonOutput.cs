using System.Text.Json;
using System.Text.Json.Serialization;
using TftpNano.Cli.Fleet;
using TftpNano.Transfer;
using TftpNano.Update;

namespace TftpNano.Cli;

/// <summary>What <c>get --json</c> prints: one entry per URL, in order.</summary>
internal sealed record GetJson(IReadOnlyList<DownloadJson> Downloads);

/// <summary>One download's outcome and counters.</summary>
internal sealed record DownloadJson(
    string Url, string? File, long Bytes, double Seconds, int Blksize, int Windowsize, long Blocks, long PacketsSent,
    long PacketsReceived, long Timeouts, long GapAcks, long Duplicates, long Stray, long SrttMs, int ServerTimeoutMs, int SlowestWriteMs)
{
    public static DownloadJson From(string url, string? file, DownloadResult result)
    {
        TftpTransferStatistics s = result.Transfer.Statistics;
        return new DownloadJson(url, file, result.Bytes, Math.Round(result.Elapsed.TotalSeconds, 3), result.Transfer.BlockSize,
            result.Transfer.WindowSize, s.BlocksWritten, s.PacketsSent, s.PacketsReceived, s.Timeouts, s.GapAcknowledgements,
            s.DuplicateBlocks, s.StrayPackets, s.SmoothedRttMs, s.ServerTimeoutMs, s.SlowestWriteMs);
    }
}

/// <summary>What <c>update --json</c> prints; <c>report</c> is <c>written</c>, <c>not_written</c> or <c>off</c>.</summary>
internal sealed record UpdateJson(
    string Outcome, string? Failure, string? Message, string? ActiveVersion, string? RolledBackFrom, string? RolledBackTo,
    int FilesFetched, int FilesUnchanged, long BytesFetched, bool Confirmed, string Report)
{
    public static UpdateJson From(UpdateResult result, bool confirmed, string report) => new(
        JsonOutput.Name(result.Outcome.ToString()), result.Outcome == UpdateOutcome.Refused ? JsonOutput.Name(result.Failure.ToString()) : null,
        result.Message, result.ActiveVersion, result.RolledBackFrom, result.RolledBackTo, result.FilesDownloaded, result.FilesCopied,
        result.BytesDownloaded, confirmed, report);
}

/// <summary>What <c>status --json</c> prints; <c>version</c> is null when nothing is installed.</summary>
internal sealed record StatusJson(
    string? Version, bool Confirmed, int Boots, string? Previous, string? Entry, int Files, long Bytes, string? Rejected,
    bool? Verified, string? Problem);

/// <summary>What <c>fleet --json</c> prints.</summary>
internal sealed record FleetJson(IReadOnlyList<FleetDeviceJson> Devices, IReadOnlyList<FleetRelease> Releases, int NotInRollout, int Unreadable)
{
    public static FleetJson From(FleetView view) => new(
        view.Devices.Select(d => new FleetDeviceJson(
            d.Report.DeviceId, d.Report.Release, d.Report.State, d.Report.Confirmed, d.Report.RolledBackFrom, d.Report.OutcomeWord,
            d.Report.FailureWord, d.Report.Message, d.Report.Event, d.Report.BootApp, d.Report.Firmware, d.Report.FirmwareLine,
            d.Report.FreeBytes < 0 ? null : d.Report.FreeBytes, d.Report.UptimeMs, d.LastSeenUtc, d.Folder, d.Flags)).ToList(),
        view.Releases, view.NotInRollout, view.Unreadable);
}

/// <summary>One device of <c>fleet --json</c>: its newest report, when and where it was written, and its flags.</summary>
internal sealed record FleetDeviceJson(
    string Id, string? Release, string State, bool Confirmed, string? RolledBackFrom, string? Outcome, string? Failure, string? Message,
    string? Event, string? BootApp, string? Firmware, string? FirmwareLine, long? FreeBytes, long UptimeMs, DateTime LastSeen, string Folder,
    IReadOnlyList<string> Flags);

/// <summary>The JSON the commands print, written by source-generated serializers (trimming and AOT stay clean).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(GetJson))]
[JsonSerializable(typeof(UpdateJson))]
[JsonSerializable(typeof(StatusJson))]
[JsonSerializable(typeof(FleetJson))]
internal sealed partial class JsonOutput : JsonSerializerContext
{
    /// <summary>An enum member's name as the JSON spells names: <c>UpToDate</c> is <c>up_to_date</c>.</summary>
    public static string Name(string member) => JsonNamingPolicy.SnakeCaseLower.ConvertName(member);

    /// <summary>Writes one object as one line on standard output.</summary>
    public static void Print<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        Console.Out.WriteLine(JsonSerializer.Serialize(value, type));
}
