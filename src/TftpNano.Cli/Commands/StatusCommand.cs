using System.CommandLine;
using TftpNano.Cli.Update;
using TftpNano.Host.Update;
using TftpNano.Update;
using TftpNano.Update.Manifest;
using TftpNano.Update.Storage;

namespace TftpNano.Cli.Commands;

/// <summary>
/// <c>tftpnano status</c>: what a device folder has installed.
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var root = new Option<string>("--root") { Description = "The folder standing in for the device's SD card.", Required = true };
        var verify = new Option<bool>("--verify") { Description = "Re-read every file of the active release and check it against its manifest." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on standard output instead of lines." };
        var command = new Command("status", "Show the installed release; exit code 0 only when it is complete (and, with --verify, intact).")
        {
            root, verify, json,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            // The same recovery a boot performs, so the answer is what the device would start, on a
            // storage that refuses every change: looking creates, deletes and rewrites nothing.
            string folder = parse.GetValue(root)!;
            if (!Directory.Exists(folder))
            {
                throw new ArgumentException($"--root {folder}: there is no such folder.");
            }

            var store = new ReleaseStore(new ReadOnlyStorage(new HostStorage(folder)));
            store.Recover();
            ReleaseManifest? active = store.ActiveManifest;
            InstallState state = store.State;
            bool verifying = parse.GetValue(verify) && active is not null;
            string? problem = verifying ? store.VerifyActive() : null;
            StatusJson status = new(active?.Version.ToString(), active is not null && state.Confirmed, active is null ? 0 : state.Boots,
                store.PreviousVersion(), active is null ? null : $"{active.EntryType}.{active.EntryMethod}", active?.Files.Length ?? 0,
                active?.TotalSize() ?? 0, state.Rejected, verifying ? problem is null : null, problem);

            if (parse.GetValue(json))
            {
                JsonOutput.Print(status, JsonOutput.Default.StatusJson);
            }
            else
            {
                Print(status);
            }

            return active is null || problem is not null ? CliErrors.NotIntact : CliErrors.Ok;
        }));
        return command;
    }

    private static void Print(StatusJson status)
    {
        if (status.Version is null)
        {
            Console.WriteLine("version none");
            return;
        }

        Console.WriteLine($"version {status.Version}");
        Console.WriteLine(status.Confirmed ? "confirmed" : $"on trial: started {status.Boots} times without confirmation");
        Console.WriteLine($"previous {status.Previous ?? "none"}");
        Console.WriteLine($"entry {status.Entry}");
        Console.WriteLine($"files {status.Files} ({Units.Bytes(status.Bytes)})");
        if (status.Rejected is not null)
        {
            Console.WriteLine($"rejected {status.Rejected}");
        }

        if (status.Verified is bool verified)
        {
            Console.WriteLine(verified ? "verified: every file matches its manifest entry" : $"damaged: {status.Problem}");
        }
    }
}
