using TftpNano.Boot;
using TftpNano.Update;

namespace TftpNano.Cli.Fleet;

/// <summary>One device as the fleet view shows it: its newest report, where and when it was written, and what needs attention.</summary>
internal sealed record FleetDevice(DeviceReport Report, DateTime LastSeenUtc, string Folder, IReadOnlyList<string> Flags)
{
    /// <summary>The release it runs, or <c>none</c>.</summary>
    public string Release => Report.Release ?? "none";
}

/// <summary>One release as the fleet view sums it up.</summary>
internal sealed record FleetRelease(string Version, int Devices, int Confirmed, int OnTrial, int RolledBackFrom);

/// <summary>
/// The fleet seen through its reports: one or more report folders (one per site's server) read
/// together, merged by device id with the newest report winning, flagged and sorted so that what
/// needs attention comes first.
/// </summary>
/// <remarks>
/// Flags: <c>rolled_back</c> (the device rolled back from a newer release), <c>refused</c> (its last
/// update was refused), <c>stale</c> (no report for longer than the stale limit) and <c>line</c> (its
/// firmware is of another line than the one this TftpNano's boot app runs on, <see cref="FirmwareLine.Current"/>).
/// A report's time is its file's: the server's clock, since a device may have none.
/// </remarks>
internal sealed class FleetView
{
    /// <summary>The flags, in the order of their urgency.</summary>
    public static readonly string[] FlagOrder = ["rolled_back", "refused", "line", "stale"];

    private FleetView(IReadOnlyList<FleetDevice> devices, IReadOnlyList<FleetRelease> releases, int unreadable, int notInRollout)
    {
        Devices = devices;
        Releases = releases;
        Unreadable = unreadable;
        NotInRollout = notInRollout;
    }

    /// <summary>Gets the devices, what needs attention first.</summary>
    public IReadOnlyList<FleetDevice> Devices { get; }

    /// <summary>Gets each release that devices run or rolled back from, newest first.</summary>
    public IReadOnlyList<FleetRelease> Releases { get; }

    /// <summary>Gets how many files of the folders were not reports.</summary>
    public int Unreadable { get; }

    /// <summary>Gets how many devices were last told that a staged release is not theirs yet.</summary>
    public int NotInRollout { get; }

    /// <summary>
    /// Reads report folders.
    /// </summary>
    /// <param name="folders">The folders, such as each site's <c>reports</c>.</param>
    /// <param name="staleAfter">How long without a report makes a device stale.</param>
    /// <param name="nowUtc">The time to measure staleness from.</param>
    /// <returns>The view.</returns>
    /// <exception cref="ArgumentException">A folder does not exist.</exception>
    public static FleetView Read(IEnumerable<string> folders, TimeSpan staleAfter, DateTime nowUtc)
    {
        var newest = new Dictionary<string, (DeviceReport Report, DateTime Seen, string Folder)>(StringComparer.Ordinal);
        int unreadable = 0;
        foreach (string folder in folders)
        {
            if (!Directory.Exists(folder))
            {
                throw new ArgumentException($"{folder}: there is no such folder.");
            }

            foreach (FileInfo file in new DirectoryInfo(folder).EnumerateFiles())
            {
                // Temporary files of a report being written start with '.', and are not reports yet.
                if (file.Name.StartsWith('.'))
                {
                    continue;
                }

                DeviceReport? report = file.Length <= DeviceReport.MaxLength ? Read(file) : null;
                if (report is null || report.DeviceId != file.Name)
                {
                    unreadable++;
                    continue;
                }

                if (!newest.TryGetValue(report.DeviceId, out var known) || file.LastWriteTimeUtc > known.Seen)
                {
                    newest[report.DeviceId] = (report, file.LastWriteTimeUtc, folder);
                }
            }
        }

        List<FleetDevice> devices = newest.Values
            .Select(d => new FleetDevice(d.Report, d.Seen, d.Folder, Flags(d.Report, nowUtc - d.Seen > staleAfter)))
            .OrderBy(d => d.Flags.Count == 0 ? FlagOrder.Length : Array.IndexOf(FlagOrder, d.Flags[0]))
            .ThenBy(d => d.Report.Release is null ? 0 : 1)
            .ThenBy(d => d.Release, VersionOrder.Instance)
            .ThenBy(d => d.Report.DeviceId, StringComparer.Ordinal)
            .ToList();
        return new FleetView(devices, Summarize(devices), unreadable, devices.Count(d => d.Report.Outcome == UpdateOutcome.NotInRollout));
    }

    private static DeviceReport? Read(FileInfo file)
    {
        try
        {
            byte[] bytes = File.ReadAllBytes(file.FullName);
            return DeviceReport.Parse(bytes, bytes.Length);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static List<string> Flags(DeviceReport report, bool stale)
    {
        var flags = new List<string>();
        if (report.RolledBackFrom is not null)
        {
            flags.Add("rolled_back");
        }

        if (report.Outcome == UpdateOutcome.Refused)
        {
            flags.Add("refused");
        }

        if (report.FirmwareLine is not null && report.FirmwareLine != FirmwareLine.Current)
        {
            flags.Add("line");
        }

        if (stale)
        {
            flags.Add("stale");
        }

        return flags;
    }

    private static List<FleetRelease> Summarize(List<FleetDevice> devices)
    {
        IEnumerable<string> versions = devices.Select(d => d.Report.Release).Concat(devices.Select(d => d.Report.RolledBackFrom))
            .OfType<string>().Distinct(StringComparer.Ordinal);
        return versions
            .Select(v => new FleetRelease(
                v,
                devices.Count(d => d.Report.Release == v),
                devices.Count(d => d.Report.Release == v && d.Report.Confirmed),
                devices.Count(d => d.Report.Release == v && !d.Report.Confirmed),
                devices.Count(d => d.Report.RolledBackFrom == v)))
            .OrderByDescending(r => r.Version, VersionOrder.Instance)
            .ToList();
    }

    /// <summary>Release versions in their numeric order (2.10.0 after 2.9.0); text that is no version, by its characters.</summary>
    private sealed class VersionOrder : IComparer<string>
    {
        public static readonly VersionOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            var a = x is null ? null : TftpNano.Update.Manifest.ReleaseVersion.TryParse(x);
            var b = y is null ? null : TftpNano.Update.Manifest.ReleaseVersion.TryParse(y);
            return a is not null && b is not null ? a.CompareTo(b) : string.CompareOrdinal(x, y);
        }
    }
}
