using System.Net;

namespace TftpNano.Bench;

/// <summary>One client as the benchmark runs it: a command line, and the window and block size it asks for.</summary>
/// <param name="Name">How the table names it.</param>
/// <param name="BlockSize">The block size it asks for.</param>
/// <param name="WindowSize">The window it asks for (1: lock-step).</param>
/// <param name="Command">The program and arguments that download <c>file</c> from <c>server</c> into <c>output</c>.</param>
internal sealed record Client(string Name, int BlockSize, int WindowSize, Func<IPEndPoint, string, string, (string Program, string[] Arguments)> Command)
{
    public bool IsTftpNano => Name.StartsWith("tftpnano", StringComparison.Ordinal);

    public static IReadOnlyList<Client> All(string tftpnano) =>
    [
        new("tftpnano defaults", 1468, 16, (s, f, o) => (tftpnano, ["get", Url(s, f), "-o", o, "--stats"])),
        new("tftpnano lock-step 512", 512, 1, (s, f, o) => (tftpnano, ["get", Url(s, f), "-o", o, "--no-options", "--stats"])),
        new("curl", 512, 1, (s, f, o) => ("curl", ["--silent", "--show-error", "-o", o, Url(s, f)])),
        new("curl --tftp-blksize 1468", 1468, 1, (s, f, o) => ("curl", ["--silent", "--show-error", "--tftp-blksize", "1468", "-o", o, Url(s, f)])),
        new("atftp blksize 1468 windowsize 16", 1468, 16, (s, f, o) =>
            ("atftp", ["--option", "blksize 1468", "--option", "windowsize 16", "--get", "-r", f, "-l", o, s.Address.ToString(), s.Port.ToString()])),
        new("tftp-hpa", 512, 1, (s, f, o) => ("tftp", ["-m", "binary", s.Address.ToString(), s.Port.ToString(), "-c", "get", f, o])),
    ];

    private static string Url(IPEndPoint server, string file) => $"tftp://{server}/{file}";
}
