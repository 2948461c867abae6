using System.Net.Sockets;
using System.Security.Cryptography;
using TftpNano.Protocol;

namespace TftpNano.Cli.Commands;

/// <summary>
/// Turns failures into one line on standard error and a distinct exit code.
/// </summary>
internal static class CliErrors
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>Bad arguments or an address that cannot be parsed.</summary>
    public const int Usage = 2;

    /// <summary>The server answered with an ERROR packet.</summary>
    public const int RemoteError = 3;

    /// <summary>The server did not answer in time, or could not be reached.</summary>
    public const int Unreachable = 4;

    /// <summary>The local file could not be written.</summary>
    public const int LocalIo = 5;

    /// <summary>The peer broke the protocol, or the transfer was canceled.</summary>
    public const int Protocol = 6;

    /// <summary>The update was refused; the active release is untouched.</summary>
    public const int Refused = 7;

    /// <summary>Nothing is installed, or the active release is incomplete or damaged.</summary>
    public const int NotIntact = 8;

    /// <summary>Writing the downloaded data failed: a full disk, a closed pipe (curl's 23).</summary>
    public const int WriteFailed = 23;

    /// <summary>The command's time limit (<c>--max-time</c>) passed (curl's 28).</summary>
    public const int TimeLimit = 28;

    /// <summary>The file is larger than <c>--max-filesize</c> (curl's 63).</summary>
    public const int FileTooLarge = 63;

    /// <summary>Interrupted by Ctrl-C (SIGINT): 128 + 2.</summary>
    public const int Interrupted = 130;

    /// <summary>Terminated by SIGTERM: 128 + 15.</summary>
    public const int Terminated = 143;

    /// <summary>
    /// The exit code for a server's ERROR: curl's for TFTP (68 file not found, 69 access violation,
    /// 70 disk full, 71 illegal operation, 72 unknown transfer ID, 73 file exists, 74 no such user),
    /// 3 for any other.
    /// </summary>
    public static int ForServerError(TftpErrorCode code) => code switch
    {
        TftpErrorCode.FileNotFound => 68,
        TftpErrorCode.AccessViolation => 69,
        TftpErrorCode.DiskFull => 70,
        TftpErrorCode.IllegalOperation => 71,
        TftpErrorCode.UnknownTransferId => 72,
        TftpErrorCode.FileAlreadyExists => 73,
        TftpErrorCode.NoSuchUser => 74,
        _ => RemoteError,
    };

    /// <summary>
    /// Runs a command body that decides its own exit code.
    /// </summary>
    public static int Run(Func<int> body, Stopping? stopping = null)
    {
        try
        {
            return body();
        }
        catch (Exception e)
        {
            (int code, string message) = stopping is { ExitCode: > 0 } stopped ? Stopped(stopped.ExitCode) : Describe(e);
            Console.Error.WriteLine($"tftpnano: {Printable.Escape(message)}");
            return code;
        }
    }

    /// <summary>
    /// Runs a command body and maps its failure to a message and an exit code.
    /// </summary>
    public static int Run(Action body, Stopping? stopping = null) => Run(() =>
    {
        body();
        return Ok;
    }, stopping);

    private static (int Code, string Message) Stopped(int code) => (code, code switch
    {
        TimeLimit => "--max-time passed; the transfer was stopped and the server told.",
        Terminated => "terminated; the transfer was stopped and the server told.",
        _ => "interrupted; the transfer was stopped and the server told.",
    });

    // Every message ends up escaped (a server's ERROR text is untrusted) and names flags, not code.
    private static (int Code, string Message) Describe(Exception e) => e switch
    {
        TftpException { Failure: TftpFailure.RemoteError } t => (ForServerError(t.ErrorCode), t.Message),
        TftpException { Failure: TftpFailure.TimedOut } t => (Unreachable, t.Message),
        TftpException { Failure: TftpFailure.StorageFailed, InnerException: FileTooLargeException large } => (FileTooLarge, large.Message),
        TftpException { Failure: TftpFailure.StorageFailed } t => (WriteFailed, t.Message),
        NoServerException n => (Unreachable, n.Message),
        TftpException { Failure: TftpFailure.NetworkFailed } t => (Unreachable, t.Message),
        TftpException t => (Protocol, t.Message),
        SocketException s => (Unreachable, $"network error: {s.Message}"),
        ArgumentException a when a.ParamName is not null => (Usage, a.Message.Replace($" (Parameter '{a.ParamName}')", string.Empty, StringComparison.Ordinal)),
        FormatException or ArgumentException or CryptographicException => (Usage, e.Message),
        TftpNano.Update.UpdateException u => (Refused, u.Message),
        IOException or UnauthorizedAccessException => (LocalIo, e.Message),
        _ => (1, $"unexpected {e.GetType().Name}: {e.Message}"),
    };
}
