using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TftpNano.Protocol;

namespace TftpNano.Tests.Support;

/// <summary>
/// A real TFTP server (tftpd-hpa, atftpd or dnsmasq) running on loopback for the length of a fixture.
/// </summary>
public sealed class PeerServer : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private readonly Process _process;
    private readonly Task<string> _output;
    private int _disposed;

    private PeerServer(string kind, Process process, IPEndPoint endPoint)
    {
        Kind = kind;
        _process = process;
        EndPoint = endPoint;
        _output = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync())
            .ContinueWith(t => string.Join('\n', t.Result));
    }

    public string Kind { get; }

    public IPEndPoint EndPoint { get; }

    /// <summary>Gets the server's process (tftpd-hpa forks one more per transfer).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts a server over a folder; <paramref name="options"/> go before the folder (tftpd-hpa only).</summary>
    public static PeerServer Start(string kind, string root, string workspace, params string[] options)
    {
        string executable = Peers.Require(kind);
        IPEndPoint endPoint;
        string[] arguments;
        switch (kind)
        {
            case Peers.TftpdHpa:
                endPoint = new IPEndPoint(IPAddress.Loopback, FreeUdpPort());
                arguments = ["--foreground", "--listen", "--address", endPoint.ToString(), "--secure", "--user", Environment.UserName, .. options, root];
                break;
            case Peers.Atftpd:
                endPoint = new IPEndPoint(IPAddress.Loopback, FreeUdpPort());
                arguments = ["--daemon", "--no-fork", "--port", endPoint.Port.ToString(), "--bind-address", "127.0.0.1",
                    "--user", Environment.UserName, "--group", Environment.UserName, "--logfile", "-", "--maxthread", "200", root];
                break;
            case Peers.Dnsmasq:
                // dnsmasq serves TFTP on port 69 only, so each instance gets an address of its own.
                endPoint = new IPEndPoint(new IPAddress([127, 0, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(2, 255)]), 69);
                arguments = ["--keep-in-foreground", "--conf-file=/dev/null", "--port=0", "--enable-tftp", "--tftp-root=" + root,
                    "--listen-address=" + endPoint.Address, "--bind-interfaces", "--user=" + Environment.UserName,
                    "--tftp-max=200", "--pid-file=" + Path.Combine(workspace, "dnsmasq.pid"), "--log-facility=-"];
                break;
            default:
                throw new ArgumentException("Not a server: " + kind);
        }

        Process process = ProcessRunner.Start(executable, arguments);
        var server = new PeerServer(kind, process, endPoint);
        server.WaitUntilAnswering();
        return server;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit(5000);
        _process.Dispose();
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    // Asks for a file that does not exist until an ERROR comes back: then the server is listening.
    private void WaitUntilAnswering()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        byte[] buffer = new byte[600];
        int length = TftpPacket.WriteRequest(buffer, TftpOpcode.ReadRequest, "tftpnano-probe-absent", null);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Kind} exited with {_process.ExitCode}: {_output.Result}");
            }

            socket.SendTo(buffer, length, SocketFlags.None, EndPoint);
            if (socket.Poll(TimeSpan.FromMilliseconds(200), SelectMode.SelectRead))
            {
                socket.Receive(new byte[600]);
                return;
            }
        }

        Dispose();
        throw new TimeoutException($"{Kind} did not answer on {EndPoint} within {StartTimeout.TotalSeconds} s.");
    }
}
