using System.CommandLine;
using TftpNano.Cli.Update;
using TftpNano.Update;

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
        var command = new Command("status", "Show the installed release; exit code 0 only when it is complete (and, with --verify, intact).")
        {
            root, verify,
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
            if (active is null)
            {
                Console.WriteLine("version none");
                return CliErrors.NotIntact;
            }

            InstallState state = store.State;
            Console.WriteLine($"version {active.Version}");
            Console.WriteLine(state.Confirmed ? "confirmed" : $"on trial: started {state.Boots} times without confirmation");
            Console.WriteLine($"previous {store.PreviousVersion() ?? "none"}");
            Console.WriteLine($"entry {active.EntryType}.{active.EntryMethod}");
            Console.WriteLine($"files {active.Files.Length} ({Units.Bytes(active.TotalSize())})");
            if (state.Rejected is not null)
            {
                Console.WriteLine($"rejected {state.Rejected}");
            }

            if (parse.GetValue(verify))
            {
                string? problem = store.VerifyActive();
                Console.WriteLine(problem is null ? "verified: every file matches its manifest entry" : $"damaged: {problem}");
                return problem is null ? CliErrors.Ok : CliErrors.NotIntact;
            }

            return CliErrors.Ok;
        }));
        return command;
    }
}
