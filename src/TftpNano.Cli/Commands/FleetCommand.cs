using System.CommandLine;
using System.Globalization;
using TftpNano.Cli.Fleet;

namespace TftpNano.Cli.Commands;

/// <summary>
/// <c>tftpnano fleet</c>: the devices' reports, one line per device, what needs attention first, and
/// one line per release.
/// </summary>
internal static class FleetCommand
{
    public static Command Create()
    {
        var folders = new Argument<string[]>("reports")
        {
            Description = "Report folders (serve --reports, or tftpd-hpa's writable reports/), one per site's server; read together, the newest report of a device wins.",
            Arity = ArgumentArity.OneOrMore,
        };
        var stale = new Option<double>("--stale")
        {
            Description = "Days without a report after which a device is flagged stale.",
            DefaultValueFactory = _ => 7,
            HelpName = "DAYS",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on standard output instead of lines." };
        var command = new Command("fleet", "Show the fleet from its devices' reports: release, state, last outcome, last seen and flags (rolled_back, refused, line, stale).")
        {
            folders, stale, json,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            double days = parse.GetValue(stale);
            if (!(days > 0))
            {
                throw new ArgumentException($"--stale must be more than 0 days, not {days.ToString(CultureInfo.InvariantCulture)}.");
            }

            FleetView view = FleetView.Read(parse.GetValue(folders)!, TimeSpan.FromDays(days), DateTime.UtcNow);
            if (parse.GetValue(json))
            {
                JsonOutput.Print(FleetJson.From(view), JsonOutput.Default.FleetJson);
            }
            else
            {
                Print(view);
            }

            if (view.Unreadable > 0)
            {
                Console.Error.WriteLine($"tftpnano: {view.Unreadable} files of the report folders are not reports, and were skipped");
            }

            return CliErrors.Ok;
        }));
        return command;
    }

    private static void Print(FleetView view)
    {
        string[][] rows = view.Devices
            .Select(d => new[]
            {
                d.Report.DeviceId, d.Release, d.Report.State + (d.Report.RolledBackFrom is { } from ? $", rolled back from {from}" : string.Empty),
                Outcome(d), d.LastSeenUtc.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture), string.Join(',', d.Flags),
            })
            .Prepend(["DEVICE", "RELEASE", "STATE", "LAST OUTCOME", "LAST SEEN", "FLAGS"])
            .ToArray();
        int[] widths = Enumerable.Range(0, 6).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (string[] row in rows)
        {
            Console.WriteLine(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd());
        }

        foreach (FleetRelease release in view.Releases)
        {
            Console.WriteLine($"release {release.Version}: {release.Devices} devices, {release.Confirmed} confirmed, {release.OnTrial} on trial, "
                + $"{release.RolledBackFrom} rolled back from it");
        }

        if (view.NotInRollout > 0)
        {
            Console.WriteLine($"not in rollout: {view.NotInRollout} devices wait for a staged release");
        }
    }

    // What a device last heard from its server; a refusal with its reason. Reports come from the
    // network: the text is escaped, so that it cannot forge a line.
    private static string Outcome(FleetDevice device) => Printable.Escape(device.Report.OutcomeWord switch
    {
        null => "-",
        "refused" => $"refused: {device.Report.FailureWord}",
        string word => word,
    });
}
