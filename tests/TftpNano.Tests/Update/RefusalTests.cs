using System.Net;
using System.Net.Sockets;
using System.Text;
using TftpNano.Cli.Update;
using TftpNano.Host.Update;
using TftpNano.Tests.Support;
using TftpNano.Update;
using TftpNano.Update.Manifest;
using TftpNano.Update.Storage;

namespace TftpNano.Tests.Update;

/// <summary>
/// Every reason to refuse an update: each is reported with its reason and leaves the active release
/// exactly as it was, with nothing left behind.
/// </summary>
public sealed class RefusalTests : IDisposable
{
    private static readonly byte[] Drivers = ReleaseLab.Content(11, 30_000);
    private static readonly byte[] Blinky1 = ReleaseLab.Content(12, 7_000);
    private static readonly byte[] Blinky2 = ReleaseLab.Content(13, 7_300);

    private readonly ReleaseLab _lab = new();

    public RefusalTests() => _lab.Install("1.0", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky1));

    public static TheoryData<string, UpdateFailure, string> Scenarios => new()
    {
        { "unsigned", UpdateFailure.SignatureMissing, "not signed" },
        { "manifest edited after signing", UpdateFailure.SignatureInvalid, "does not verify" },
        { "signed by another key", UpdateFailure.SignatureInvalid, "does not verify" },
        { "signature truncated", UpdateFailure.SignatureInvalid, "does not verify" },
        { "signature oversized", UpdateFailure.SignatureInvalid, "longer than any accepted key" },
        { "file swapped", UpdateFailure.HashMismatch, "'Blinky.pe' does not match the digest" },
        { "file longer", UpdateFailure.SizeMismatch, "'Blinky.pe' is longer than the 7300 bytes" },
        { "file truncated", UpdateFailure.SizeMismatch, "'Blinky.pe' has 7000 bytes; its manifest entry says 7300" },
        { "file missing on the server", UpdateFailure.Download, "fw/stable/Blinky.pe" },
        { "no manifest", UpdateFailure.Download, "fw/stable/manifest" },
        { "oversized manifest", UpdateFailure.ManifestTooLarge, "longer than 8448 bytes" },
        { "path separator in a name", UpdateFailure.InvalidFileName, "is a path" },
        { "dot-dot in a name", UpdateFailure.InvalidFileName, "contains '..'" },
        { "non-ASCII name", UpdateFailure.InvalidManifest, "not printable ASCII" },
        { "too many files", UpdateFailure.TooManyFiles, "more than 32 files" },
        { "not enough free space", UpdateFailure.InsufficientSpace, "needs" },
        { "card fills up while writing", UpdateFailure.Storage, "No space left on device" },
        { "server gone", UpdateFailure.Download, "fw/stable/manifest" },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void IsRefusedAndLeavesTheActiveReleaseUntouched(string scenario, UpdateFailure failure, string reason)
    {
        _lab.Publish("1.1", ("Drivers.pe", Drivers), ("Blinky.pe", Blinky2));
        string[] before = Snapshot();
        IUpdateStorage? storage = null;
        var settings = _lab.Settings();
        Prepare(scenario, ref storage, settings);

        UpdateResult result = _lab.Boot(settings: settings, storage: storage);

        Assert.Equal(UpdateOutcome.Refused, result.Outcome);
        Assert.Equal(failure, result.Failure);
        Assert.Contains(reason, result.Message);
        Assert.Equal("1.0", result.ActiveVersion);
        _lab.AssertActive("1.0");
        Assert.Equal(before, Snapshot());
    }

    private void Prepare(string scenario, ref IUpdateStorage? storage, UpdateSettings settings)
    {
        string channel = _lab.Channel;
        string manifestPath = Path.Combine(channel, ReleaseManifest.FileName);
        string signaturePath = Path.Combine(channel, ReleaseManifest.SignatureFileName);
        string Manifest() => File.ReadAllText(manifestPath);
        void Rewrite(string text)
        {
            File.WriteAllText(manifestPath, text);
            _lab.SignManifestAsIs();
        }

        switch (scenario)
        {
            case "unsigned":
                File.Delete(signaturePath);
                break;
            case "manifest edited after signing":
                File.WriteAllText(manifestPath, Manifest().Replace("version 1.1", "version 1.2"));
                break;
            case "signed by another key":
                (string otherKey, _) = SigningKey.Generate(Path.Combine(_lab.WorkspaceRoot, "intruder"), 2048);
                File.WriteAllBytes(signaturePath, SigningKey.Sign(File.ReadAllBytes(manifestPath), otherKey));
                break;
            case "signature truncated":
                File.WriteAllBytes(signaturePath, File.ReadAllBytes(signaturePath)[..200]);
                break;
            case "signature oversized":
                File.WriteAllBytes(signaturePath, new byte[600]);
                break;
            case "file swapped":
                byte[] swapped = File.ReadAllBytes(Path.Combine(channel, "Blinky.pe"));
                swapped[^1] ^= 1;
                File.WriteAllBytes(Path.Combine(channel, "Blinky.pe"), swapped);
                break;
            case "file longer":
                File.WriteAllBytes(Path.Combine(channel, "Blinky.pe"), [.. Blinky2, .. new byte[5000]]);
                break;
            case "file truncated":
                File.WriteAllBytes(Path.Combine(channel, "Blinky.pe"), Blinky2[..7000]);
                break;
            case "file missing on the server":
                File.Delete(Path.Combine(channel, "Blinky.pe"));
                break;
            case "no manifest":
                File.Delete(manifestPath);
                break;
            case "oversized manifest":
                var padded = new StringBuilder(Manifest());
                for (int i = 0; padded.Length <= ReleaseManifest.MaxLength; i++)
                {
                    padded.Append($"file pad{i}.pe 1 {new string('0', 64)}\n");
                }

                Rewrite(padded.ToString());
                break;
            case "path separator in a name":
                Rewrite(Manifest().Replace("file Blinky.pe", "file sub/Blinky.pe"));
                break;
            case "dot-dot in a name":
                Rewrite(Manifest().Replace("file Blinky.pe", "file ..Blinky.pe"));
                break;
            case "non-ASCII name":
                File.WriteAllBytes(manifestPath, [.. Encoding.UTF8.GetBytes(Manifest().Replace("file Blinky.pe", "file Blïnky.pe"))]);
                _lab.SignManifestAsIs();
                break;
            case "too many files":
                string line = Manifest().Split('\n').First(l => l.StartsWith("file Blinky.pe", StringComparison.Ordinal));
                Rewrite(Manifest() + string.Concat(Enumerable.Range(0, 31).Select(i => line.Replace("Blinky.pe", $"B{i}.pe") + "\n")));
                break;
            case "not enough free space":
                storage = new FaultyStorage(_lab.DeviceRoot) { ReportedFreeSpace = 20_000 };
                break;
            case "card fills up while writing":
                storage = new FaultyStorage(_lab.DeviceRoot) { Capacity = 33_000 };
                break;
            case "server gone":
                using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
                {
                    socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                    settings.Server = socket.LocalEndPoint;
                }

                settings.Download.InitialTimeoutMs = 50;
                settings.Download.MaxRetries = 2;
                break;
            default:
                throw new ArgumentException(scenario);
        }
    }

    // Every file on the card with its content, so a refusal provably changed nothing.
    private string[] Snapshot() => Directory.GetFiles(_lab.DeviceRoot, "*", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal)
        .Select(f => $"{Path.GetRelativePath(_lab.DeviceRoot, f)} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))}")
        .ToArray();

    public void Dispose() => _lab.Dispose();
}
