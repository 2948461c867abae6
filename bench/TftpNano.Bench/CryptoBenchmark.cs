using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using TftpNano.Security;

namespace TftpNano.Bench;

/// <summary>
/// The cost of checking a release on the host, measured with BenchmarkDotNet: the portable SHA-256
/// (fed one TFTP block at a time, as the updater does) and RSA verification, beside
/// System.Security.Cryptography on the same host. Host times are for scale only: the device's costs
/// are counted in IL by <see cref="DeviceCostsBenchmark"/>.
/// </summary>
internal static class CryptoBenchmark
{
    public static string Run(string commandLine)
    {
        // In process (no generated project to build), a short run of each: the figures are for scale.
        IConfig config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default)
            .WithOptions(ConfigOptions.DisableLogFile);
        Summary hashing = BenchmarkRunner.Run<Sha256Benchmarks>(config);
        Summary verifying = BenchmarkRunner.Run<RsaBenchmarks>(config);

        var report = new StringBuilder();
        report.AppendLine("# Verification cost");
        report.AppendLine();
        report.AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores ({Platform.CpuModel()}), "
            + "with BenchmarkDotNet (in process, short run, memory diagnoser):");
        report.AppendLine();
        report.AppendLine("```sh");
        report.AppendLine(commandLine);
        report.AppendLine("```");
        report.AppendLine();
        report.AppendLine("\"Portable\" is the code the device runs (`src/TftpNano/Security`); \"Host\" is System.Security.Cryptography "
            + "(OpenSSL), the baseline. What the device pays, in IL instructions counted by nanoFramework's interpreter, is in "
            + "[device-costs.md](device-costs.md) (`bash bench/run.sh --device`).");
        report.AppendLine();
        report.AppendLine("## SHA-256 of 1 MiB, fed in 1468-byte blocks");
        report.AppendLine();
        report.AppendLine(Table(hashing));
        report.AppendLine("## RSA PKCS#1 v1.5 signature verification, SHA-256 digest, exponent 65537");
        report.AppendLine();
        report.AppendLine("\"PortableFirstVerify\" includes the key's set-up (its Montgomery constants), which a device pays once per boot.");
        report.AppendLine();
        report.AppendLine(Table(verifying));
        return report.ToString();
    }

    private static string Table(Summary summary)
    {
        var logger = new AccumulationLogger();
        MarkdownExporter.GitHub.ExportToLog(summary, logger);

        // The exporter's own header (environment, job) first; the table is what follows its blank line.
        string text = logger.GetLog();
        int table = text.IndexOf("\n|", StringComparison.Ordinal);
        return table < 0 ? text : text[(table + 1)..];
    }
}

/// <summary>SHA-256 of 1 MiB, in TFTP blocks: the portable one the device runs, and the host's.</summary>
[MemoryDiagnoser]
public class Sha256Benchmarks
{
    private const int BlockSize = 1468;
    private readonly byte[] _data = new byte[1024 * 1024];

    [GlobalSetup]
    public void Setup() => new Random(7).NextBytes(_data);

    [Benchmark]
    public byte[] Portable()
    {
        var hash = new Sha256();
        for (int offset = 0; offset < _data.Length; offset += BlockSize)
        {
            hash.Append(_data, offset, Math.Min(BlockSize, _data.Length - offset));
        }

        byte[] digest = new byte[Sha256.HashLength];
        hash.Finish(digest, 0);
        return digest;
    }

    [Benchmark(Baseline = true)]
    public byte[] Host()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (int offset = 0; offset < _data.Length; offset += BlockSize)
        {
            hash.AppendData(_data, offset, Math.Min(BlockSize, _data.Length - offset));
        }

        return hash.GetHashAndReset();
    }
}

/// <summary>One signature verification per key size: portable (with and without the key's set-up) and the host's.</summary>
[MemoryDiagnoser]
public class RsaBenchmarks
{
    private RSA _rsa = null!;
    private byte[] _modulus = null!;
    private byte[] _digest = null!;
    private byte[] _signature = null!;
    private RsaPublicKey _key = null!;

    [Params(2048, 3072, 4096)]
    public int Bits { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rsa = RSA.Create(Bits);
        _modulus = _rsa.ExportParameters(false).Modulus!;
        _digest = SHA256.HashData("manifest"u8);
        _signature = _rsa.SignHash(_digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _key = new RsaPublicKey(_modulus);
        if (!_key.VerifySha256(_digest, _signature))
        {
            throw new InvalidOperationException("The portable verifier refused a valid signature.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _rsa.Dispose();

    [Benchmark]
    public bool PortableFirstVerify() => new RsaPublicKey(_modulus).VerifySha256(_digest, _signature);

    [Benchmark]
    public bool PortableVerify() => _key.VerifySha256(_digest, _signature);

    [Benchmark(Baseline = true)]
    public bool Host() => _rsa.VerifyHash(_digest, _signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
}
