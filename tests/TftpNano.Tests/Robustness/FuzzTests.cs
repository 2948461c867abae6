using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using TftpNano.Boot;
using TftpNano.Protocol;
using TftpNano.Security;
using TftpNano.Update;
using TftpNano.Update.Manifest;
using TftpNano.Update.Storage;

namespace TftpNano.Tests.Robustness;

/// <summary>
/// Seeded, bounded fuzzing of everything that reads bytes or text from outside: valid inputs mutated
/// (bits flipped, bytes inserted, deleted and cut off) must come out as a result or as the one
/// exception type each reader documents, never as anything else, a hang or a runaway allocation.
/// Each run is a fixed number of cases and at most a few seconds; a failure names the seed and case.
/// </summary>
public sealed class FuzzTests
{
    private const int Cases = 20_000;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(8);

    [Fact]
    public void TheManifestReaderRefusesWithAnUpdateExceptionOrReadsBackWhatItWrites()
    {
        byte[] valid = ReleaseManifest.Create("fw/stable", "1.4.2", "Blinky.Program.Main",
        [
            new ReleaseFile("Drivers.pe", 40960, DigestKind.HmacSha256Chain, SHA256.HashData("a"u8)),
            new ReleaseFile("Blinky.pe", 5120, SHA256.HashData("b"u8)),
        ]).ToBytes();

        Run(1, valid, input =>
        {
            ReleaseManifest manifest;
            try
            {
                manifest = ReleaseManifest.Parse(input, input.Length);
            }
            catch (UpdateException)
            {
                return;
            }

            byte[] again = manifest.ToBytes();
            Assert.Equal(again, ReleaseManifest.Parse(again, again.Length).ToBytes());
        });
    }

    [Fact]
    public void TheInstallRecordReaderNeverThrows()
    {
        var state = new InstallState { Active = "r12", Previous = "r9", Boots = 2, Sequence = 41, Rejected = "2.1" };
        Run(2, state.ToBytes(), input =>
        {
            // What reads writes back to itself (hexadecimal digits may come back in lower case).
            InstallState? read = InstallState.TryParse(input, input.Length);
            if (read is not null)
            {
                byte[] written = read.ToBytes();
                Assert.Equal(written, InstallState.TryParse(written, written.Length)!.ToBytes());
            }
        });
    }

    [Fact]
    public void ThePacketCodecRefusesWithATftpException()
    {
        var options = new TftpOptions { BlockSize = 1468, WindowSize = 4, TimeoutSeconds = 1, TransferSize = 0 };
        byte[] request = new byte[600];
        byte[] seed = request[..TftpPacket.WriteRequest(request, TftpOpcode.ReadRequest, "fw/stable/manifest", options)];
        Run(3, seed, input =>
        {
            Expect<TftpException>(() => TftpPacket.ReadRequest(input, input.Length));
            Expect<TftpException>(() => TftpPacket.ReadOptionAcknowledgement(input, input.Length));
            Expect<TftpException>(() => TftpPacket.ReadDataLength(input, input.Length, 512));
            Expect<TftpException>(() => TftpPacket.ReadAnyError(input, input.Length, out _));
            Expect<TftpException>(() => TftpPacket.ReadOpcode(input, input.Length));
        });
    }

    [Fact]
    public void TheSettingsParserReportsProblemsAndNeverThrows()
    {
        byte[] seed = Encoding.ASCII.GetBytes("server=192.168.1.10\nport=69\nchannel=fw/stable\npublickey=none\nstorage=sd-spi\n"
            + "spi.bus=1\nspi.cs=5\npins=14:SDMMC1_CLOCK\nblksize=1468\nwindowsize=4\ntimeout=1000\ntrial.boots=3\n");
        Run(4, seed, input =>
        {
            DeviceSettings settings = DeviceSettings.Parse(Encoding.Latin1.GetString(input));
            if (settings.IsValid)
            {
                settings.ToUpdateSettings();
            }
        });
    }

    [Fact]
    public void AKeyOrASignatureFromOutsideIsRefusedNeverThrownAbout()
    {
        using RSA rsa = RSA.Create(2048);
        byte[] digest = SHA256.HashData("manifest"u8);
        byte[] signature = rsa.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var key = new RsaPublicKey(rsa.ExportParameters(false).Modulus!);
        Run(5, signature, input => Assert.False(key.VerifySha256(digest, input) && !input.AsSpan().SequenceEqual(signature)));
        Run(6, Encoding.ASCII.GetBytes(key.ToString()), input => Expect<ArgumentException>(() => RsaPublicKey.Parse(Encoding.Latin1.GetString(input))));
    }

    // Feeds mutations of the seed to the check; anything the check does not expect fails the test
    // with the case that caused it.
    private static void Run(int seed, byte[] valid, Action<byte[]> check)
    {
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Cases && clock.Elapsed < Budget; i++)
        {
            byte[] input = Mutate(random, valid);
            try
            {
                check(input);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"seed {seed}, case {i}, input {Convert.ToHexString(input)}: {e}");
            }
        }
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        var bytes = new List<byte>(valid);
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = (byte)random.Next(256); break;
                case 2: bytes.Insert(at, (byte)random.Next(256)); break;
                case 3: bytes.RemoveAt(at); break;
                default: bytes.RemoveRange(at, bytes.Count - at); break;
            }
        }

        return bytes.ToArray();
    }

    private static void Expect<T>(Action read)
        where T : Exception
    {
        try
        {
            read();
        }
        catch (T)
        {
        }
    }
}
