using System.Diagnostics;
using TftpNano.Host.Net;
using TftpNano.Protocol;
using TftpNano.Tests.Support;
using TftpNano.Transfer;

namespace TftpNano.Tests.Robustness;

/// <summary>
/// The served folder under attack from someone who can write into it: a name swapped between a
/// regular file and a link to a file outside while it is requested. The server must never send a
/// byte from outside the folder.
/// </summary>
public sealed class HostileFilesTests : IDisposable
{
    private static readonly TimeSpan RaceLength = TimeSpan.FromSeconds(20);
    private readonly Workspace _workspace = new();

    [Fact]
    public void ANameSwappedBetweenAFileAndALinkOutsideNeverServesTheOutsideFile()
    {
        using var server = new EmbeddedServer();
        byte[] inside = TestContent.Create(600, seed: 1);
        byte[] outside = TestContent.Create(600, seed: 2);
        string secret = Path.Combine(_workspace.Root, "secret.bin");
        File.WriteAllBytes(secret, outside);
        string target = Path.Combine(server.Folder, "x.bin");
        string regular = Path.Combine(server.Folder, ".regular");
        string link = Path.Combine(server.Folder, ".link");
        File.WriteAllBytes(target, inside);

        using var stop = new CancellationTokenSource(RaceLength);
        var swapper = new Thread(() =>
        {
            // rename(2) replaces the name in one step: the file and the link take turns under it.
            while (!stop.IsCancellationRequested)
            {
                File.WriteAllBytes(regular, inside);
                File.Move(regular, target, overwrite: true);
                File.CreateSymbolicLink(link, secret);
                File.Move(link, target, overwrite: true);
            }
        });
        swapper.Start();

        int served = 0, refused = 0, leaked = 0, requests = 0;
        var settings = new TftpDownloadSettings { UseOptions = false, InitialTimeoutMs = 200, MaxRetries = 2 };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < RaceLength && requests < 100_000)
        {
            requests++;
            var received = new MemoryStream();
            try
            {
                new TftpDownload(TftpNano.Host.Net.HostUdpTransportFactory.Instance, settings).Run(server.EndPoint, "x.bin", received);
                byte[] bytes = received.ToArray();
                if (bytes.AsSpan().SequenceEqual(outside))
                {
                    leaked++;
                }
                else
                {
                    Assert.Equal(inside, bytes);
                    served++;
                }
            }
            catch (TftpException e) when (e.Failure == TftpFailure.RemoteError)
            {
                Assert.True(e.ErrorCode is TftpErrorCode.AccessViolation or TftpErrorCode.FileNotFound, e.Message);
                refused++;
            }
        }

        swapper.Join();
        Assert.True(leaked == 0, $"{leaked} of {requests} requests were sent the file outside the folder ({served} served, {refused} refused)");
        Assert.True(served > 0 && refused > 0, $"the race never ran both ways: {served} served, {refused} refused of {requests}");
    }

    public void Dispose() => _workspace.Dispose();
}
