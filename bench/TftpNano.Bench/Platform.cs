// The peers the benchmark runs (atftpd, tftpd-hpa, curl, atftp, tftp-hpa) and /usr/bin/time are Linux programs.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace TftpNano.Bench
{
    /// <summary>What the benchmark reports about the machine it ran on.</summary>
    internal static class Platform
    {
        public static string CpuModel() =>
            File.Exists("/proc/cpuinfo")
                ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
                : "unknown CPU";
    }
}
