using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using TftpNano.Security;

namespace TftpNano.Bench;

/// <summary>
/// The cost of checking a release: the portable SHA-256 (fed one TFTP block at a time, as the updater
/// does) and RSA verification, beside System.Security.Cryptography on the same host. Host times are for
/// scale only: the device's costs are counted in IL by <see cref="DeviceCostsBenchmark"/>.
/// </summary>
internal static class CryptoBenchmark
{
    private const int BlockSize = 1468;
    private const int HashBytes = 64 * 1024 * 1024;

    public static string Run(string commandLine)
    {
        var clock = Stopwatch.StartNew();
        var report = new StringBuilder();
        report.AppendLine("# Verification cost");
        report.AppendLine();
        report.AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores ({Platform.CpuModel()}), "
            + "Release build (JIT), single thread, with:");
        report.AppendLine();
        report.AppendLine("```sh");
        report.AppendLine(commandLine);
        report.AppendLine("```");
        report.AppendLine();
        report.AppendLine("Each figure is the median of 5 timed runs after a warm-up. \"portable\" is the code the device runs "
            + "(`src/TftpNano/Security`); \"host\" is System.Security.Cryptography (OpenSSL), for scale.");
        report.AppendLine();
        report.AppendLine("## SHA-256, fed in 1468-byte blocks");
        report.AppendLine();
        report.AppendLine("| implementation | MiB/s | ns per 64-byte block | allocated per MiB (bytes) |");
        report.AppendLine("| --- | ---: | ---: | ---: |");
        byte[] data = new byte[HashBytes];
        new Random(7).NextBytes(data);
        (double portable, long portableAllocated) = Median(() => HashPortable(data));
        (double host, long hostAllocated) = Median(() => HashHost(data));
        double mib = HashBytes / (1024.0 * 1024.0);
        double blocks = HashBytes / 64.0;
        report.AppendLine($"| portable | {mib / portable:0.0} | {portable * 1e9 / blocks:0.0} | {portableAllocated / mib:0} |");
        report.AppendLine($"| host | {mib / host:0.0} | {host * 1e9 / blocks:0.0} | {hostAllocated / mib:0} |");
        report.AppendLine($"| ratio portable / host | {portable / host:0.0}x slower | | |");
        report.AppendLine();

        report.AppendLine("## RSA PKCS#1 v1.5 signature verification, SHA-256 digest, exponent 65537");
        report.AppendLine();
        report.AppendLine("| modulus | portable first verify, key set-up included (ms) | portable verify (ms) | host verify (ms) | ratio (verify) | "
            + "allocated per verify (bytes) |");
        report.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (int bits in new[] { 2048, 3072, 4096 })
        {
            using RSA rsa = RSA.Create(bits);
            byte[] modulus = rsa.ExportParameters(false).Modulus!;
            byte[] digest = SHA256.HashData("manifest"u8);
            byte[] signature = rsa.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var key = new RsaPublicKey(modulus);
            if (!key.VerifySha256(digest, signature))
            {
                throw new InvalidOperationException("The portable verifier refused a valid signature.");
            }

            const int Repeat = 200;
            (double setup, _) = Median(() =>
            {
                for (int i = 0; i < Repeat; i++)
                {
                    new RsaPublicKey(modulus).VerifySha256(digest, signature);
                }
            });
            (double verify, long allocated) = Median(() =>
            {
                for (int i = 0; i < Repeat; i++)
                {
                    key.VerifySha256(digest, signature);
                }
            });
            (double hostVerify, _) = Median(() =>
            {
                for (int i = 0; i < Repeat; i++)
                {
                    rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                }
            });
            report.AppendLine($"| {bits} bits | {setup * 1000 / Repeat:0.00} | {verify * 1000 / Repeat:0.00} | {hostVerify * 1000 / Repeat:0.000} | "
                + $"{verify / hostVerify:0.0}x slower | {allocated / Repeat:N0} |");
        }

        report.AppendLine();
        report.AppendLine("What the device pays, in IL instructions counted by nanoFramework's interpreter, is in "
            + "[device-costs.md](device-costs.md) (`bash bench/run.sh --device`).");
        report.AppendLine();
        report.AppendLine($"Took {clock.Elapsed.TotalSeconds:0} s.");
        return report.ToString();
    }

    private static void HashPortable(byte[] data)
    {
        var hash = new Sha256();
        for (int offset = 0; offset < data.Length; offset += BlockSize)
        {
            hash.Append(data, offset, Math.Min(BlockSize, data.Length - offset));
        }

        hash.Finish(new byte[32], 0);
    }

    private static void HashHost(byte[] data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (int offset = 0; offset < data.Length; offset += BlockSize)
        {
            hash.AppendData(data, offset, Math.Min(BlockSize, data.Length - offset));
        }

        hash.GetHashAndReset();
    }

    // Median seconds of five runs after one warm-up, and the bytes the median run allocated.
    private static (double Seconds, long Allocated) Median(Action action)
    {
        action();
        var runs = new List<(double Seconds, long Allocated)>();
        for (int i = 0; i < 5; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            action();
            runs.Add((clock.Elapsed.TotalSeconds, GC.GetAllocatedBytesForCurrentThread() - before));
        }

        return runs.OrderBy(r => r.Seconds).ElementAt(2);
    }
}
