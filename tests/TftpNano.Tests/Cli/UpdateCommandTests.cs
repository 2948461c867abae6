using System.Diagnostics;
using TftpNano.Host.Relay;
using TftpNano.Tests.Support;
using TftpNano.Update;

namespace TftpNano.Tests.Cli;

/// <summary>
/// <c>keygen</c>, <c>manifest</c>, <c>update</c> and <c>status</c> as separate processes, including one
/// killed with SIGKILL in the middle of a download.
/// </summary>
public sealed class UpdateCommandTests : IDisposable
{
    private readonly ReleaseLab _lab = new();

    private string Url => $"tftp://127.0.0.1:{_lab.Server.EndPoint.Port}/{ReleaseLab.ChannelName}";

    private static ProcessResult Tftpnano(params string[] arguments) => GetCommandTests.Tftpnano(Environment.CurrentDirectory, arguments);

    [Fact]
    public void PublishesInstallsAndReportsAsAnOwnerAndADeviceWould()
    {
        string keyBase = Path.Combine(_lab.WorkspaceRoot, "fleet");
        ProcessResult keygen = Tftpnano("keygen", "--out", keyBase, "--bits", "2048");
        Assert.True(keygen.ExitCode == 0, keygen.StandardError);
        Assert.Equal(256, TftpNano.Security.RsaPublicKey.Parse(File.ReadAllText(keyBase + ".pub")).ModulusLength);
        Assert.Contains("BEGIN PRIVATE KEY", File.ReadAllText(keyBase + ".pem"));
        Assert.NotEqual(0, Tftpnano("keygen", "--out", keyBase).ExitCode);

        File.WriteAllBytes(Path.Combine(_lab.Channel, "Blinky.pe"), ReleaseLab.Content(31, 5000));
        File.WriteAllBytes(Path.Combine(_lab.Channel, "Drivers.pe"), ReleaseLab.Content(32, 9000));
        ProcessResult manifest = Tftpnano("manifest", _lab.Channel, "--channel", ReleaseLab.ChannelName, "--version", "1.0",
            "--entry", "Blinky.Program.Main", "--sign", keyBase + ".pem", "--order", "Drivers.pe");
        Assert.True(manifest.ExitCode == 0, manifest.StandardError);
        Assert.Equal("release 1.0: 2 files, 13.7 KiB, signed", manifest.StandardOutput.Trim());
        Assert.StartsWith("tftpnano-manifest 1\nchannel fw/stable\nversion 1.0\nentry Blinky.Program.Main\nfile Drivers.pe 9000 hmac-sha256-4k:",
            File.ReadAllText(Path.Combine(_lab.Channel, "manifest")));

        string root = Directory.CreateDirectory(Path.Combine(_lab.WorkspaceRoot, "card")).FullName;
        ProcessResult empty = Tftpnano("status", "--root", root);
        Assert.Equal((8, "version none"), (empty.ExitCode, empty.StandardOutput.Trim()));

        ProcessResult install = Tftpnano("update", Url, "--root", root, "--key", keyBase + ".pub", "--confirm");
        Assert.True(install.ExitCode == 0, install.StandardError);
        Assert.Equal(["installed 1.0 (2 fetched, 0 unchanged, 13.7 KiB downloaded)", "confirmed 1.0"], Lines(install));
        string report = File.ReadAllText(Path.Combine(_lab.Server.Folder, "reports", TftpNano.Cli.Update.UpdateRunner.DeviceId(null, root)));
        Assert.Contains("\nrelease 1.0\nstate confirmed\noutcome installed\n", report, StringComparison.Ordinal);
        ProcessResult again = Tftpnano("update", Url, "--root", root, "--key", keyBase + ".pub");
        Assert.Equal((0, "up to date 1.0"), (again.ExitCode, again.StandardOutput.Trim()));

        ProcessResult status = Tftpnano("status", "--root", root, "--verify");
        Assert.True(status.ExitCode == 0, status.StandardError);
        Assert.Equal("version 1.0", Lines(status)[0]);
        Assert.Contains("confirmed", Lines(status));
        Assert.Contains("verified: every file matches its manifest entry", Lines(status));

        // Signed with the lab's key, not the fleet's: refused, exit code 7, the reason on stderr.
        _lab.Publish("1.1", ("Drivers.pe", ReleaseLab.Content(32, 9000)), ("Blinky.pe", ReleaseLab.Content(33, 5000)));
        ProcessResult foreign = Tftpnano("update", Url, "--root", root, "--key", keyBase + ".pub");
        Assert.Equal(7, foreign.ExitCode);
        Assert.Equal("tftpnano: refused: The manifest's signature does not verify with the configured key.", foreign.StandardError.Trim());
        Assert.Equal("version 1.0", Lines(Tftpnano("status", "--root", root))[0]);

        string installed = Directory.GetFiles(root, "Blinky.pe", SearchOption.AllDirectories).Single();
        File.WriteAllBytes(installed, ReleaseLab.Content(34, 5000));
        ProcessResult damaged = Tftpnano("status", "--root", root, "--verify");
        Assert.Equal(8, damaged.ExitCode);
        Assert.Contains("damaged: 'Blinky.pe' does not match its digest.", Lines(damaged));
    }

    [Fact]
    public void ReportsARollback()
    {
        _lab.Install("1.0", ("Blinky.pe", ReleaseLab.Content(41, 3000)));
        _lab.Publish("2.0", ("Blinky.pe", ReleaseLab.Content(42, 3000)));
        string[] arguments = ["update", Url, "--root", _lab.DeviceRoot, "--key", _lab.PublicKeyPath, "--trial-boots", "1"];
        Assert.Equal("installed 2.0 (1 fetched, 0 unchanged, 2.9 KiB downloaded)", Tftpnano(arguments).StandardOutput.Trim());

        ProcessResult rollback = Tftpnano(arguments);

        Assert.True(rollback.ExitCode == 0, rollback.StandardError);
        Assert.Equal(["rolled back to 1.0 (release 2.0 was never confirmed)",
            "skipped: Release 2.0 was rolled back on this device and is not installed again."], Lines(rollback));
        _lab.AssertActive("1.0");
    }

    [Fact]
    public void KilledMidDownloadAndRunAgain()
    {
        _lab.Install("1.0", ("Drivers.pe", ReleaseLab.Content(51, 20_000)), ("Blinky.pe", ReleaseLab.Content(52, 4000)));
        byte[] big = ReleaseLab.Content(53, 1_500_000);
        _lab.Publish("2.0", ("Drivers.pe", ReleaseLab.Content(51, 20_000)), ("Big.pe", big), ("Blinky.pe", ReleaseLab.Content(54, 4000)));

        // A 4 Mbit/s link makes the download last seconds, long enough to be caught in the middle.
        LinkProfile slow = LinkProfile.Parse("rate=4Mbit");
        using (var relay = new LinkEmulator(_lab.Server.EndPoint, slow, slow, seed: 5))
        {
            relay.Start();
            using Process update = ProcessRunner.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "tftpnano.dll"), "update",
                $"tftp://127.0.0.1:{relay.LocalEndPoint.Port}/{ReleaseLab.ChannelName}", "--root", _lab.DeviceRoot, "--key", _lab.PublicKeyPath]);
            // Big.pe exists only in the folder of the release being staged.
            string? partial = null;
            var clock = Stopwatch.StartNew();
            while (!(partial is not null && new FileInfo(partial).Length > 100_000) && clock.Elapsed < TimeSpan.FromSeconds(30) && !update.HasExited)
            {
                Thread.Sleep(5);
                partial ??= Directory.EnumerateFiles(_lab.DeviceRoot, "Big.pe", SearchOption.AllDirectories).FirstOrDefault();
            }

            Assert.False(update.HasExited, "the update finished before it could be interrupted");
            Assert.NotNull(partial);
            long written = new FileInfo(partial).Length;
            update.Kill();
            Assert.True(update.WaitForExit(TimeSpan.FromSeconds(10)));
            Assert.Equal(137, update.ExitCode);
            Assert.InRange(written, 100_001, big.Length - 1);
        }

        _lab.AssertActive("1.0");
        ProcessResult resumed = Tftpnano("update", Url, "--root", _lab.DeviceRoot, "--key", _lab.PublicKeyPath);
        Assert.True(resumed.ExitCode == 0, resumed.StandardError);
        Assert.Equal("installed 2.0 (2 fetched, 1 unchanged, 1.4 MiB downloaded)", resumed.StandardOutput.Trim());
        _lab.AssertActive("2.0");
    }

    [Fact]
    public void TheDemoTellsTheWholeStory()
    {
        ProcessResult demo = Tftpnano("demo");

        Assert.True(demo.ExitCode == 0, demo.StandardError);
        string output = demo.StandardOutput;
        Assert.Contains("installed 1.0.0 (2 fetched, 0 unchanged", output);
        Assert.Contains("installed 1.1.0 (1 fetched, 1 unchanged", output);
        Assert.Contains("refused: The manifest's signature does not verify with the configured key.", output);
        Assert.Contains("refused: 'Blinky.pe' does not match the digest in the manifest.", output);
        Assert.Contains("rolled back to 1.1.0 (release 2.0.0 was never confirmed)", output);
        Assert.EndsWith("status: version 1.1.0, confirmed, every file matches its signed manifest", output.TrimEnd());
    }

    private static string[] Lines(ProcessResult result) => result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public void Dispose() => _lab.Dispose();
}
