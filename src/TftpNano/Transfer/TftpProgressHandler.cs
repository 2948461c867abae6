namespace TftpNano.Transfer
{
    /// <summary>
    /// Reports the progress of a transfer after each block written.
    /// </summary>
    /// <param name="bytesTransferred">Bytes written to the destination so far.</param>
    /// <param name="totalBytes">The size the server announced (tsize), or -1 when unknown.</param>
    public delegate void TftpProgressHandler(long bytesTransferred, long totalBytes);
}
