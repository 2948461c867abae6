using System.Globalization;

namespace TftpNano.Host.Relay;

/// <summary>
/// The impairments of one direction of an emulated link.
/// </summary>
/// <param name="Delay">One-way delay.</param>
/// <param name="Jitter">Each datagram's delay varies uniformly by up to this much either way, which reorders.</param>
/// <param name="Loss">Probability that a datagram is lost, 0 to 1.</param>
/// <param name="Duplicate">Probability that a datagram arrives twice, 0 to 1.</param>
/// <param name="RateBytesPerSecond">Bandwidth; 0 for unlimited.</param>
public sealed record LinkProfile(TimeSpan Delay, TimeSpan Jitter, double Loss, double Duplicate, long RateBytesPerSecond)
{
    /// <summary>A link that delivers everything at once.</summary>
    public static readonly LinkProfile Perfect = new(TimeSpan.Zero, TimeSpan.Zero, 0, 0, 0);

    /// <summary>
    /// Parses a profile such as <c>delay=1ms,jitter=0.5ms,loss=1%,dup=0.1%,rate=100Mbit</c>; every key
    /// is optional. Times take ms, us or s; probabilities a percentage or a fraction; rates bit, kbit,
    /// Mbit, Gbit, B, KB or MB (per second).
    /// </summary>
    public static LinkProfile Parse(string spec)
    {
        LinkProfile profile = Perfect;
        foreach (string part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2)
            {
                throw new FormatException($"'{part}' is not key=value.");
            }

            profile = pair[0] switch
            {
                "delay" => profile with { Delay = ParseTime(pair[1]) },
                "jitter" => profile with { Jitter = ParseTime(pair[1]) },
                "loss" => profile with { Loss = ParseProbability(pair[1]) },
                "dup" or "duplicate" => profile with { Duplicate = ParseProbability(pair[1]) },
                "rate" => profile with { RateBytesPerSecond = ParseRate(pair[1]) },
                _ => throw new FormatException($"Unknown link property '{pair[0]}'; use delay, jitter, loss, dup or rate."),
            };
        }

        return profile;
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var parts = new List<string>();
        if (Delay > TimeSpan.Zero)
        {
            parts.Add($"delay={Delay.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms");
        }

        if (Jitter > TimeSpan.Zero)
        {
            parts.Add($"jitter={Jitter.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms");
        }

        if (Loss > 0)
        {
            parts.Add($"loss={(Loss * 100).ToString(CultureInfo.InvariantCulture)}%");
        }

        if (Duplicate > 0)
        {
            parts.Add($"dup={(Duplicate * 100).ToString(CultureInfo.InvariantCulture)}%");
        }

        if (RateBytesPerSecond > 0)
        {
            parts.Add($"rate={RateBytesPerSecond}B");
        }

        return parts.Count == 0 ? "perfect" : string.Join(',', parts);
    }

    private static TimeSpan ParseTime(string text) =>
        text.EndsWith("ms", StringComparison.Ordinal) ? TimeSpan.FromMilliseconds(Number(text[..^2]))
        : text.EndsWith("us", StringComparison.Ordinal) ? TimeSpan.FromMicroseconds(Number(text[..^2]))
        : text.EndsWith('s') ? TimeSpan.FromSeconds(Number(text[..^1]))
        : TimeSpan.FromMilliseconds(Number(text));

    private static double ParseProbability(string text)
    {
        double value = text.EndsWith('%') ? Number(text[..^1]) / 100 : Number(text);
        return value is >= 0 and <= 1 ? value : throw new FormatException($"'{text}' is not a probability.");
    }

    private static long ParseRate(string text)
    {
        (string suffix, double factor)[] units =
        [
            ("Gbit", 1e9 / 8), ("Mbit", 1e6 / 8), ("kbit", 1e3 / 8), ("bit", 1.0 / 8), ("MB", 1e6), ("KB", 1e3), ("B", 1),
        ];
        foreach ((string suffix, double factor) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal))
            {
                return (long)(Number(text[..^suffix.Length]) * factor);
            }
        }

        return (long)Number(text);
    }

    private static double Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= 0
            ? value
            : throw new FormatException($"'{text}' is not a non-negative number.");
}
