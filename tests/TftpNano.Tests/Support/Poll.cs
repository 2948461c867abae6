namespace TftpNano.Tests.Support;

/// <summary>Waits for something another process or thread does, within a time limit.</summary>
internal static class Poll
{
    /// <summary>Checks <paramref name="condition"/> every 50 ms until it holds or <paramref name="limit"/> passes.</summary>
    /// <returns>Whether it held in time.</returns>
    public static bool Until(Func<bool> condition, TimeSpan limit)
    {
        DateTime end = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow > end)
            {
                return false;
            }

            Thread.Sleep(50);
        }

        return true;
    }
}
