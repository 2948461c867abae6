namespace TftpNano.Update
{
    /// <summary>
    /// Receives one line of what the updater is doing, for the console or a log.
    /// </summary>
    /// <param name="message">A complete sentence.</param>
    public delegate void UpdateLogHandler(string message);
}
