using System.Runtime.InteropServices;

namespace TftpNano.Cli;

/// <summary>
/// Why a command stopped before its work was done: Ctrl-C (SIGINT), SIGTERM, or its own time limit.
/// Either cancels the work through <see cref="Token"/>, so that a transfer tells its server and leaves
/// no file behind, and decides the exit code, as a shell expects (128 + the signal) and as curl does
/// for a time limit (28).
/// </summary>
internal sealed class Stopping : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;
    private int _exitCode;

    /// <param name="timeLimit">How long the command may run, or null for no limit.</param>
    public Stopping(TimeSpan? timeLimit = null)
    {
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
        if (timeLimit is TimeSpan limit)
        {
            _cancel.Token.Register(() => Interlocked.CompareExchange(ref _exitCode, Commands.CliErrors.TimeLimit, 0));
            _cancel.CancelAfter(limit);
        }
    }

    /// <summary>Gets the token that is canceled when the command must stop.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Gets the exit code for the reason the command stopped, or 0 while it has not.</summary>
    public int ExitCode => Volatile.Read(ref _exitCode);

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _cancel.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        // Handled here: the process ends once the work has stopped cleanly, not at once.
        context.Cancel = true;
        Interlocked.CompareExchange(ref _exitCode, context.Signal == PosixSignal.SIGTERM ? Commands.CliErrors.Terminated : Commands.CliErrors.Interrupted, 0);
        _cancel.Cancel();
    }
}
