namespace TftpNano.Transfer
{
    /// <summary>
    /// Where a download stands.
    /// </summary>
    public enum TransferPhase
    {
        /// <summary>Nothing sent yet.</summary>
        Idle = 0,

        /// <summary>The request is out; only an OACK, DATA 1 or an ERROR from the server's address can answer it.</summary>
        Requesting = 1,

        /// <summary>The server's transfer ID is latched; DATA is written in order and acknowledged.</summary>
        Transferring = 2,

        /// <summary>The final block is written and acknowledged; a retransmission of it is acknowledged again.</summary>
        Dallying = 3,

        /// <summary>The download ended, completed or failed; its socket is closed.</summary>
        Ended = 4,
    }
}
