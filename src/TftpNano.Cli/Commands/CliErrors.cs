using System.Net.Sockets;
using System.Security.Cryptography;

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

    /// <summary>The peer broke the protocol, or the transfer was cancelled.</summary>
    public const int Protocol = 6;

    /// <summary>The update was refused; the active release is untouched.</summary>
    public const int Refused = 7;

    /// <summary>Nothing is installed, or the active release is incomplete or damaged.</summary>
    public const int NotIntact = 8;

    /// <summary>
    /// Runs a command body that decides its own exit code.
    /// </summary>
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e)
        {
            (int code, string message) = Describe(e);
            Console.Error.WriteLine($"tftpnano: {message}");
            return code;
        }
    }

    /// <summary>
    /// Runs a command body and maps its failure to a message and an exit code.
    /// </summary>
    public static int Run(Action body)
    {
        try
        {
            body();
            return Ok;
        }
        catch (Exception e)
        {
            (int code, string message) = Describe(e);
            Console.Error.WriteLine($"tftpnano: {message}");
            return code;
        }
    }

    private static (int Code, string Message) Describe(Exception e) => e switch
    {
        TftpException { Failure: TftpFailure.RemoteError } t => (RemoteError, t.Message),
        TftpException { Failure: TftpFailure.TimedOut } t => (Unreachable, t.Message),
        TftpException { Failure: TftpFailure.StorageFailed } t => (LocalIo, t.Message),
        TftpException t => (Protocol, t.Message),
        SocketException s => (Unreachable, $"network error: {s.Message}"),
        FormatException or ArgumentException or CryptographicException => (Usage, e.Message),
        TftpNano.Update.UpdateException u => (Refused, u.Message),
        IOException or UnauthorizedAccessException => (LocalIo, e.Message),
        _ => (1, $"unexpected {e.GetType().Name}: {e.Message}"),
    };
}
