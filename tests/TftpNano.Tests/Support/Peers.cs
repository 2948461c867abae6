namespace TftpNano.Tests.Support;

/// <summary>
/// The real TFTP servers and clients the interoperability tests run against, and where to find them.
/// </summary>
/// <remarks>
/// Tests that need one run whenever it is installed. Elsewhere they are skipped, except in CI
/// (<c>CI=true</c>), where a missing peer is a failure: <c>tests/peers/install.sh</c> installs them all.
/// atftpd conflicts with tftpd-hpa as a Debian package, so that script unpacks it into
/// <c>tests/peers/.local/</c>, which is searched too.
/// </remarks>
internal static class Peers
{
    public const string TftpdHpa = "tftpd-hpa";
    public const string Atftpd = "atftpd";
    public const string Dnsmasq = "dnsmasq";
    public const string Curl = "curl";
    public const string Atftp = "atftp";
    public const string TftpHpa = "tftp-hpa";

    /// <summary>Not a TFTP peer: the tracer that shows what reaches the medium (DurabilityTests).</summary>
    public const string Strace = "strace";

    /// <summary>Not a program: the test needs to run as root (to give it up, for example).</summary>
    public const string Root = "root";

    public static bool IsCi => Environment.GetEnvironmentVariable("CI") == "true";

    public static bool IsRoot => !OperatingSystem.IsWindows() && Environment.UserName == "root";

    /// <summary>The executable of a peer, or null when it is not installed.</summary>
    public static string? Find(string peer) => peer switch
    {
        TftpdHpa => Search("in.tftpd", SystemFolders),
        Atftpd => Search("atftpd", [Path.Combine(RepositoryPaths.Root, "tests", "peers", ".local", "usr", "sbin"), .. SystemFolders]),
        Dnsmasq => Search("dnsmasq", SystemFolders),
        Curl => Search("curl", SystemFolders),
        Atftp => Search("atftp", SystemFolders),
        TftpHpa => Search("tftp", SystemFolders),
        Strace => Search("strace", SystemFolders),
        _ => throw new ArgumentException("Unknown peer " + peer),
    };

    /// <summary>The executable of a peer; fails the test when it is missing.</summary>
    public static string Require(string peer) =>
        Find(peer) ?? throw new InvalidOperationException($"{peer} is not installed; run tests/peers/install.sh.");

    /// <summary>Why tests needing these peers cannot run here, or null when they can (or must).</summary>
    public static string? SkipReason(string[] peers)
    {
        if (IsCi)
        {
            return null;
        }

        string[] missing = peers.Where(p => p != Root && Find(p) is null).ToArray();
        if (missing.Length > 0)
        {
            return $"needs {string.Join(", ", missing)}: run tests/peers/install.sh (in CI this fails instead)";
        }

        if (peers.Contains(Root) && !IsRoot)
        {
            return "needs root";
        }

        if (peers.Contains(Dnsmasq) && !IsRoot)
        {
            return "dnsmasq serves TFTP only on port 69, which needs root";
        }

        return null;
    }

    private static string[] SystemFolders =>
        [.. (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries), "/usr/sbin", "/sbin"];

    private static string? Search(string name, IEnumerable<string> folders) =>
        folders.Select(f => Path.Combine(f, name)).FirstOrDefault(File.Exists);
}
