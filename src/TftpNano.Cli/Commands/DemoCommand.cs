using System.CommandLine;
using System.Net;
using System.Security.Cryptography;
using TftpNano.Cli.Update;
using TftpNano.Host.Server;
using TftpNano.Host.Update;
using TftpNano.Update;
using TftpNano.Update.Manifest;
using TftpNano.Update.Storage;

namespace TftpNano.Cli.Commands;

/// <summary>
/// <c>tftpnano demo</c>: the whole update story on loopback, from a fresh key to a rollback.
/// </summary>
/// <remarks>
/// Each step checks its own outcome, so the demo doubles as an end-to-end smoke test: it exits
/// non-zero the moment the updater does anything other than what the step says.
/// </remarks>
internal static class DemoCommand
{
    private const string Channel = "fw/stable";
    private const string EntryPoint = "Blinky.Program.Main";

    public static Command Create()
    {
        var command = new Command("demo",
            "Sign releases, serve them on loopback and update a simulated device: install, delta update, tampering refused, rollback.");
        command.SetAction(_ => CliErrors.Run(Run));
        return command;
    }

    private static void Run()
    {
        string workspace = Directory.CreateTempSubdirectory("tftpnano-demo-").FullName;
        try
        {
            new Story(workspace).Tell();
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }

    private sealed class Story(string workspace)
    {
        private readonly string _channel = Directory.CreateDirectory(Path.Combine(workspace, "server", Channel)).FullName;
        private readonly string _device = Path.Combine(workspace, "device-sd");
        private readonly string _keyBase = Path.Combine(workspace, "owner");
        private int _step;

        public void Tell()
        {
            (string privateKey, string publicKey) = SigningKey.Generate(_keyBase, 2048);
            Say($"generated a throwaway 2048-bit signing key: {Path.GetFileName(privateKey)} stays with the owner, "
                + $"{Path.GetFileName(publicKey)} goes into the device's settings");

            using var server = new TftpServer(Path.Combine(workspace, "server"), new IPEndPoint(IPAddress.Loopback, 0));
            server.Start();
            Say($"embedded TFTP server on {server.LocalEndPoint}, channel {Channel}; the simulated SD card is {_device}");
            UpdateSettings settings = new()
            {
                Server = server.LocalEndPoint,
                Channel = Channel,
                PublicKey = SigningKey.ReadPublic(publicKey),
            };

            WriteFile("Blinky.pe", 96 * 1024);
            WriteFile("Drivers.pe", 160 * 1024);
            Publish("1.0.0", privateKey);
            Boot(settings, confirm: true, UpdateOutcome.Installed, "release 1.0.0 installed on an empty card");

            WriteFile("Blinky.pe", 100 * 1024);
            Publish("1.1.0", privateKey);
            UpdateResult delta = Boot(settings, confirm: true, UpdateOutcome.Installed, "release 1.1.0: only the changed file is fetched");
            Expect(delta.FilesDownloaded == 1 && delta.FilesCopied == 1, "the delta update fetched exactly one file");

            WriteFile("Blinky.pe", 104 * 1024);
            Publish("1.2.0", privateKey);
            string manifestPath = Path.Combine(_channel, ReleaseManifest.FileName);
            File.WriteAllText(manifestPath, File.ReadAllText(manifestPath).Replace("version 1.2.0", "version 9.0.0"));
            Boot(settings, confirm: false, UpdateOutcome.Refused, "release 1.2.0 with its manifest edited after signing");

            Publish("1.2.0", privateKey);
            byte[] swapped = File.ReadAllBytes(Path.Combine(_channel, "Blinky.pe"));
            swapped[swapped.Length / 2] ^= 0x5A;
            File.WriteAllBytes(Path.Combine(_channel, "Blinky.pe"), swapped);
            Boot(settings, confirm: false, UpdateOutcome.Refused, "release 1.2.0 with a file swapped after signing");
            ExpectActive("1.1.0");

            WriteFile("Drivers.pe", 150 * 1024);
            Publish("2.0.0", privateKey);
            Boot(settings, confirm: false, UpdateOutcome.Installed, "release 2.0.0 installed, but its application never confirms a healthy start");
            for (int boot = 2; boot <= settings.MaxTrialBoots; boot++)
            {
                Boot(settings, confirm: false, UpdateOutcome.UpToDate, $"reboot {boot} of release 2.0.0, still unconfirmed");
            }

            UpdateResult rollback = Boot(settings, confirm: false, UpdateOutcome.Skipped,
                $"reboot {settings.MaxTrialBoots + 1}: the trial is over");
            Expect(rollback.RolledBackTo == "1.1.0", "the device rolled back to 1.1.0");

            var store = new ReleaseStore(new HostStorage(_device));
            store.Recover();
            string? problem = store.VerifyActive();
            Expect(problem is null && store.ActiveManifest?.Version.ToString() == "1.1.0", $"the active release verifies ({problem})");
            Say($"status: version {store.ActiveManifest!.Version}, confirmed, every file matches its signed manifest");
        }

        private UpdateResult Boot(UpdateSettings settings, bool confirm, UpdateOutcome expected, string what)
        {
            (UpdateResult result, bool confirmed, _) = UpdateRunner.Run(settings, new HostStorage(_device), confirm, log: null);
            List<string> lines = UpdateRunner.Describe(result, confirmed).ToList();
            if (result.Outcome == UpdateOutcome.Refused)
            {
                lines.Add($"refused: {result.Message}");
            }

            Say($"{what}:{Environment.NewLine}     " + string.Join(Environment.NewLine + "     ", lines));
            Expect(result.Outcome == expected, $"expected {expected}, got {result.Outcome}");
            return result;
        }

        private void ExpectActive(string version)
        {
            var store = new ReleaseStore(new HostStorage(_device));
            store.Recover();
            Expect(store.ActiveManifest?.Version.ToString() == version && store.VerifyActive() is null,
                $"release {version} is still active and intact");
        }

        private void WriteFile(string name, int size) => File.WriteAllBytes(Path.Combine(_channel, name), RandomNumberGenerator.GetBytes(size));

        private void Publish(string version, string privateKey)
        {
            ReleaseManifest manifest = ReleasePublisher.Publish(_channel, Channel, version, EntryPoint, ["Drivers.pe", "Blinky.pe"], privateKey);
            Say($"published release {version}: {manifest.Files.Length} files, {Units.Bytes(manifest.TotalSize())}, signed");
        }

        private void Say(string message) => Console.WriteLine($"{++_step,2}. {message}");

        private static void Expect(bool condition, string what)
        {
            if (!condition)
            {
                throw new InvalidOperationException($"demo check failed: {what}");
            }
        }
    }
}
