using System.CommandLine;
using TftpNano.Cli.Net;
using TftpNano.Cli.Update;
using TftpNano.Host.Update;
using TftpNano.Update;

namespace TftpNano.Cli.Commands;

/// <summary>
/// <c>tftpnano update</c>: the device's updater, run once against a host folder.
/// </summary>
internal static class UpdateCommand
{
    public static Command Create()
    {
        var channel = new Argument<string>("url") { Description = "tftp://HOST[:PORT]/CHANNEL, the server folder holding the manifest." };
        var root = new Option<string>("--root") { Description = "The folder standing in for the device's SD card.", Required = true };
        var key = new Option<string?>("--key") { Description = "Public key file (.pub): unsigned or badly signed manifests are refused." };
        var confirm = new Option<bool>("--confirm") { Description = "Afterwards, confirm the active release as healthy (ends its trial)." };
        var downgrade = new Option<bool>("--allow-downgrade") { Description = "Install a release older than the installed one." };
        var trialBoots = new Option<int>("--trial-boots")
        {
            Description = "Unconfirmed starts after which a release is rolled back.",
            DefaultValueFactory = _ => UpdateSettings.DefaultMaxTrialBoots,
        };
        var noUtimeout = new Option<bool>("--no-utimeout")
        {
            Description = "Do not ask the server for a millisecond retransmission timeout (tftpd-hpa's utimeout), as server.utimeout=no on a device.",
        };
        var deviceId = new Option<string?>("--device-id")
        {
            Description = "The device's id, which a staged release buckets it by (device.id on a device); default: host- and 12 hex digits of the --root folder's full path.",
        };
        var report = new Option<bool>("--report")
        {
            Description = "Afterwards, write the device's report to the server (reports/DEVICE-ID), as a device does (the default).",
        };
        var noReport = new Option<bool>("--no-report") { Description = "Write no report, as report=no on a device." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Print each step on standard error." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the outcome on standard output instead of lines." };
        var command = new Command("update", "Run the device's updater once (one boot) against a local folder.")
        {
            channel, root, key, confirm, downgrade, trialBoots, noUtimeout, deviceId, report, noReport, verbose, json,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            string? keyPath = parse.GetValue(key);
            UpdateSettings settings = UpdateRunner.Settings(TftpUrl.ParseChannel(parse.GetValue(channel)!),
                keyPath is null ? null : SigningKey.ReadPublic(keyPath), parse.GetValue(downgrade), parse.GetValue(trialBoots));
            settings.Download.ShortServerTimeout = !parse.GetValue(noUtimeout);
            settings.DeviceId = UpdateRunner.DeviceId(parse.GetValue(deviceId), parse.GetValue(root)!);
            Action<string>? log = parse.GetValue(verbose) ? message => Console.Error.WriteLine(message) : null;
            if (parse.GetValue(report) && parse.GetValue(noReport))
            {
                throw new ArgumentException("--report and --no-report contradict each other.");
            }

            bool reporting = !parse.GetValue(noReport);
            (UpdateResult result, bool confirmed, string? reportFailure) = UpdateRunner.Run(settings, new HostStorage(parse.GetValue(root)!),
                parse.GetValue(confirm), log, reporting);
            if (reportFailure is not null)
            {
                // Best effort, as on a device: the update's outcome stands, whatever the report met.
                Console.Error.WriteLine($"tftpnano: report not written: {Printable.Escape(reportFailure)}");
            }

            if (parse.GetValue(json))
            {
                JsonOutput.Print(UpdateJson.From(result, confirmed, !reporting ? "off" : reportFailure is null ? "written" : "not_written"),
                    JsonOutput.Default.UpdateJson);
            }
            else
            {
                foreach (string line in UpdateRunner.Describe(result, confirmed))
                {
                    Console.WriteLine(line);
                }
            }

            if (result.Outcome == UpdateOutcome.Refused)
            {
                Console.Error.WriteLine($"tftpnano: refused: {result.Message}");
                return CliErrors.Refused;
            }

            return CliErrors.Ok;
        }));
        return command;
    }
}
