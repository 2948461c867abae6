using System.Diagnostics;

namespace TftpNano.Cli;

/// <summary>
/// One line of progress on standard error, redrawn in place at most ten times a second: percentage, a
/// bar, bytes, rate, elapsed time and, when the size is known, the time left. It never wraps: whatever
/// does not fit the terminal's width is left out, the bar first.
/// </summary>
internal sealed class ProgressBar
{
    private const int BarWidth = 20;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TextWriter _output;
    private readonly int _columns;
    private long _lastDrawMs = -1000;
    private int _drawn;

    private ProgressBar(TextWriter output, int columns)
    {
        _output = output;
        _columns = columns;
    }

    /// <summary>
    /// A bar on standard error when it is a terminal that can redraw a line (not <c>TERM=dumb</c>) and
    /// the user did not turn it off; null otherwise.
    /// </summary>
    public static ProgressBar? ForTerminal(bool disabled)
    {
        if (disabled || Console.IsErrorRedirected || Environment.GetEnvironmentVariable("TERM") == "dumb")
        {
            return null;
        }

        int columns;
        try
        {
            columns = Console.WindowWidth;
        }
        catch (IOException)
        {
            columns = 0;
        }

        return new ProgressBar(Console.Error, columns > 10 ? columns : 80);
    }

    /// <summary>Redraws the line if a tenth of a second passed or <paramref name="force"/> is set.</summary>
    public void Update(long bytes, long total, bool force = false)
    {
        long now = _clock.ElapsedMilliseconds;
        if (!force && now - _lastDrawMs < 100)
        {
            return;
        }

        _lastDrawMs = now;
        double seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
        double rate = bytes / seconds;
        string amount = total > 0 ? $"{Units.Bytes(bytes)} of {Units.Bytes(total)}" : Units.Bytes(bytes);
        string time = Clock(seconds) + (total > 0 && rate > 0 && bytes < total ? $" ETA {Clock((total - bytes) / rate)}" : string.Empty);
        string percent = total > 0 ? $"{100 * bytes / total,3}% " : string.Empty;
        string bar = total > 0 ? $"[{new string('#', (int)(BarWidth * bytes / total)).PadRight(BarWidth)}] " : string.Empty;

        // Widest first; the first that fits is drawn, so the line never wraps and never scrolls.
        string[] candidates =
        [
            $"{percent}{bar}{amount}  {Units.Bytes((long)rate)}/s  {time}",
            $"{percent}{amount}  {Units.Bytes((long)rate)}/s  {time}",
            $"{percent}{Units.Bytes(bytes)}  {time}",
            $"{percent}{Units.Bytes(bytes)}",
        ];
        string line = candidates.FirstOrDefault(c => c.Length < _columns) ?? candidates[^1][..Math.Min(candidates[^1].Length, _columns - 1)];
        _output.Write("\r" + line.PadRight(_drawn));
        _drawn = line.Length;
    }

    /// <summary>Clears the line, and replaces it with a summary when one is given.</summary>
    public void Finish(string? summary)
    {
        _output.Write("\r" + new string(' ', _drawn) + "\r");
        if (summary is not null)
        {
            _output.WriteLine(summary.Length < _columns ? summary : summary[..(_columns - 1)]);
        }
    }

    private static string Clock(double seconds)
    {
        var span = TimeSpan.FromSeconds(Math.Round(seconds));
        return span.TotalHours >= 1 ? span.ToString(@"h\:mm\:ss") : span.ToString(@"m\:ss");
    }
}
