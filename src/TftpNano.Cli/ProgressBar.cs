using System.Diagnostics;

namespace TftpNano.Cli;

/// <summary>
/// A one-line progress bar on standard error, redrawn at most ten times a second.
/// </summary>
internal sealed class ProgressBar
{
    private const int Width = 30;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastDrawMs = -1000;

    /// <summary>Gets whether standard error is a terminal, the only place a bar belongs.</summary>
    public static bool IsWanted => !Console.IsErrorRedirected;

    /// <summary>Redraws the bar if enough time has passed or <paramref name="force"/> is set.</summary>
    public void Update(long bytes, long total, bool force = false)
    {
        long now = _clock.ElapsedMilliseconds;
        if (!force && now - _lastDrawMs < 100)
        {
            return;
        }

        _lastDrawMs = now;
        double rate = bytes / Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
        string bar = total > 0
            ? $"[{new string('#', (int)(Width * bytes / total)).PadRight(Width)}] {100 * bytes / total,3}% {Units.Bytes(bytes)} of {Units.Bytes(total)}"
            : $"{Units.Bytes(bytes)}";
        Console.Error.Write($"\r{bar}  {Units.Bytes((long)rate)}/s   ");
    }

    /// <summary>Ends the bar's line.</summary>
    public void Finish() => Console.Error.WriteLine();
}
