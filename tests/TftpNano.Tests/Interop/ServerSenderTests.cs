using TftpNano.Host.Server;
using TftpNano.Protocol;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.Interop;

/// <summary>
/// The embedded server's sender rules against real clients: what it resends, and when.
/// </summary>
public sealed class ServerSenderTests
{
    private const int Blocks = 101;

    [PeerFact(Peers.Curl)]
    public void ALockStepClientThatReAcknowledgesADuplicateDoesNotDoubleTheRest()
    {
        // Block 5 arrives twice, as it does when it was delayed past the server's timer. curl, like
        // any RFC 1350 client, acknowledges each copy. RFC 1123 4.2.3.1: in lock-step the server resends
        // only on its timer, never on a repeated ACK, or every later block goes out twice.
        using var server = new EmbeddedServer(new FaultScript
        {
            OnSend = p => p.Opcode == TftpOpcode.Data && p.Block == 5 && p.Attempt == 1 ? FaultAction.Duplicate : FaultAction.Send,
        });
        string served = server.AddFile("image.bin", ((Blocks - 1) * 512) + 10, seed: 7);
        using var workspace = new Workspace();
        string output = Path.Combine(workspace.Root, "image.bin");

        ProcessResult curl = ProcessRunner.Run(Peers.Require(Peers.Curl),
            ["--silent", "--show-error", "--max-time", "60", "-o", output, $"tftp://127.0.0.1:{server.EndPoint.Port}/image.bin"],
            TimeSpan.FromSeconds(90));

        Assert.True(curl.ExitCode == 0, curl.StandardError);
        Assert.Equal(File.ReadAllBytes(served), File.ReadAllBytes(output));
        TransferRecord record = server.SingleRecord();
        Assert.True(record.Completed, record.Failure);
        Assert.True(record.DataPacketsSent <= Blocks + 1, $"{record.DataPacketsSent} DATA sent for {Blocks} blocks");
    }
}
