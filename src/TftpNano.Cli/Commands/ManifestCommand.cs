using System.CommandLine;
using TftpNano.Cli.Update;
using TftpNano.Host.Update;
using TftpNano.Security;
using TftpNano.Update;
using TftpNano.Update.Manifest;

namespace TftpNano.Cli.Commands;

/// <summary>
/// <c>tftpnano manifest</c>: publishes a folder of files as a release.
/// </summary>
internal static class ManifestCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("dir") { Description = "The channel folder on the server, holding the release's files." };
        var version = new Option<string>("--version") { Description = "Release version: one to four numbers separated by dots.", Required = true };
        var entry = new Option<string>("--entry") { Description = "Entry point, Namespace.Type.Method (a static method without parameters).", Required = true };
        var channel = new Option<string>("--channel")
        {
            Description = "The channel as devices name it in tftpnano.conf (fw/stable), / for the server's root: the manifest names it, "
                + "and a device refuses a manifest for another channel.",
            Required = true,
        };
        var sign = new Option<string?>("--sign") { Description = "Private key (.pem from keygen) to sign the manifest with." };
        var order = new Option<string[]>("--order")
        {
            Description = "Without --boot-app: files to list first, in load order (dependencies before the assemblies that use them); "
                + "the rest follow by name.",
            AllowMultipleArgumentsPerToken = true,
        };
        var bootApp = new Option<string?>("--boot-app")
        {
            Description = "The boot app's build output (src/TftpNano.Device/bin/Release): the release's .pe files are checked against its "
                + "assemblies (none of them shipped again, every reference found at its major.minor), ordered by their references, "
                + "and the manifest names what the release needs from the boot app, which devices check before fetching anything.",
        };
        var from = new Option<string?>("--from")
        {
            Description = "The application's build output (bin/Release): its .pe files that the boot app does not carry are copied into "
                + "DIR, replacing DIR's other .pe files. Needs --boot-app.",
        };
        var digest = new Option<string>("--digest")
        {
            Description = "How each file is digested: hmac-sha256-4k (the firmware's native HMAC on the device, a few percent of "
                + "the interpreter's cost) or sha256 (for devices whose boot app predates the chain).",
            DefaultValueFactory = _ => ReleasePublisher.HmacChainName,
        };
        digest.AcceptOnlyFromAmong(ReleasePublisher.HmacChainName, ReleasePublisher.Sha256Name);
        var rollout = new Option<int>("--rollout")
        {
            Description = "Stage the release: the percentage of devices (0-100) that take it, by a bucket of their id and the version. "
                + "Raise it later by publishing the same files again.",
            DefaultValueFactory = _ => 100,
        };
        var devices = new Option<string?>("--devices") { Description = "ID,ID,...: devices that take the release whatever --rollout says (canaries)." };
        var unsigned = new Option<bool>("--unsigned") { Description = "Publish without a signature even where a signed release was: devices with a key will refuse it." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check and describe the release; change nothing." };
        var command = new Command("manifest", "Publish the files in DIR as a release: write DIR/manifest (and DIR/manifest.sig), replacing DIR at once.")
        {
            folder, channel, version, entry, sign, order, digest, bootApp, from, rollout, devices, unsigned, dryRun,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            string dir = parse.GetValue(folder)!;
            IReadOnlyList<PeAssembly>? carried = parse.GetValue(bootApp) is { } bootFolder ? ReleaseAssemblies.Read(bootFolder) : null;
            string? build = parse.GetValue(from);
            if (build is not null && carried is null)
            {
                throw new ArgumentException("--from needs --boot-app, to know which assemblies the boot app already carries.");
            }

            bool dry = parse.GetValue(dryRun);
            ReleaseManifest manifest = ReleasePublisher.Publish(dir, parse.GetValue(channel)!, parse.GetValue(version)!, parse.GetValue(entry)!,
                parse.GetValue(order) ?? [], parse.GetValue(sign),
                parse.GetValue(digest) == ReleasePublisher.Sha256Name ? DigestKind.Sha256 : DigestKind.HmacSha256Chain, carried, build,
                allowUnsigned: parse.GetValue(unsigned), dryRun: dry, report: Console.WriteLine, rollout: parse.GetValue(rollout),
                devices: parse.GetValue(devices)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            Console.WriteLine($"{(dry ? "would publish " : string.Empty)}release {manifest.Version}: {manifest.Files.Length} files, "
                + $"{Units.Bytes(manifest.TotalSize())}, " + (parse.GetValue(sign) is null ? "unsigned" : "signed"));
            if (dry)
            {
                Console.Write(System.Text.Encoding.ASCII.GetString(manifest.ToBytes()));
            }
        }));
        return command;
    }
}
