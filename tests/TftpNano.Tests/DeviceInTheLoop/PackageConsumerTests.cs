using System.Globalization;
using System.Net;
using TftpNano.Application;
using TftpNano.Cli.Update;
using TftpNano.Host.Server;
using TftpNano.Host.Update;
using TftpNano.Security;
using TftpNano.Tests.Support;
using TftpNano.Update;
using TftpNano.Update.Manifest;

namespace TftpNano.Tests.DeviceInTheLoop;

/// <summary>
/// TftpNano the way a nanoFramework developer takes it: the package <c>tools/pack.sh</c> writes,
/// installed into fresh applications as Visual Studio leaves them, built with the kit and run in the
/// virtual ESP32 with a 96 KiB heap. One application downloads with <see cref="TftpClient"/> from
/// <c>tftpnano serve</c> and from tftpd-hpa to <c>I:\</c> and <c>D:\</c>; another is a release that
/// asks the boot app's server for an update while it runs, and restarts into it.
/// </summary>
public sealed class PackageConsumerTests : IDisposable
{
    private const int FileSize = 300 * 1024;
    private readonly Workspace _workspace = new();

    [NanoKitTheory(Peers.TftpdHpa)]
    [InlineData("I:")]
    [InlineData("D:")]
    public void AnApplicationDownloadsFilesWithTftpClientFromBothServers(string drive)
    {
        byte[] content = TestContent.Create(FileSize, seed: 17);
        string root = _workspace.Folder("served");
        File.WriteAllBytes(Path.Combine(root, "payload.bin"), content);
        using PeerServer tftpd = PeerServer.Start(Peers.TftpdHpa, root, _workspace.Root);
        using var serve = new TftpNano.Host.Server.TftpServer(root, new IPEndPoint(IPAddress.Loopback, 0), new TftpNano.Host.Server.TftpServerSettings());
        serve.Start();

        string project = NanoPackage.Instance.CreateApplication(_workspace.Folder("solution"), "Fetcher", FetcherProgram(drive,
            ("serve", serve.LocalEndPoint), ("tftpd", tftpd.EndPoint)));
        string output = NanoPackage.Build(project);
        var device = new VirtualDevice(_workspace.Folder("device"));

        DeviceRun run = device.RunApp(Path.Combine(output, "Fetcher.pe"), seconds: 100);

        Assert.True(run.ExitCode == 0, run.ToString());
        string digest = Convert.ToHexStringLower(HmacSha256Chain.Hash(content, 0, content.Length));
        foreach (string server in new[] { "serve", "tftpd" })
        {
            // What the application wrote, read back from the drive and hashed there.
            Assert.Contains($"fetcher: {drive}\\downloads\\{server}.bin {FileSize} bytes, read back {FileSize} bytes, digest {digest}", run.Console);
        }

        Assert.Contains("fetcher: missing.bin refused: error 1, 'File not found.'", run.Console);
        Assert.Contains("fetcher: with a token, missing.bin refused: error 1", run.Console);
        Assert.Contains($"fetcher: canceled before it started: failure {(int)TftpFailure.Canceled}", run.Console);
    }

    [NanoKitTheory]
    [InlineData("internal")]
    [InlineData("sd-mmc")]
    public void ARunningReleaseInstallsTheNextReleaseAndRestartsIntoIt(string storage)
    {
        string project = NanoPackage.Instance.CreateApplication(_workspace.Folder("solution"), "Updater", UpdaterProgram);
        string output = NanoPackage.Build(project);
        using var channel = new ServedChannel(ServedChannel.Serve);
        var device = new VirtualDevice(channel.DeviceFolder("device"));
        device.Provision((@"I:\tftpnano.conf", channel.Settings(storage)));
        Publish(channel, output, "1.0.0", "first notes");

        // The boot installs 1.0.0 and starts it; the release asks the server itself, once a second.
        RunningDevice running = device.StartBoot(seconds: 90);
        // The boot fetched the manifest once, the running release a second time: now 1.0.1 appears.
        Assert.True(Poll.Until(() => channel.TimesServed(ReleaseManifest.FileName) >= 2, TimeSpan.FromSeconds(60)), "the release never asked for an update");
        Publish(channel, output, "1.0.1", "second notes, longer");
        DeviceRun first = running.Wait();

        Assert.True(first.ExitCode == 3, "the release did not restart the device: " + first);
        Assert.Contains("update: Installed release 1.0.0 (2 fetched, 0 unchanged).", first.Console);
        Assert.Contains("updater: release 1.0.0 started, confirmed now", first.Console);
        Assert.Contains("updater: check: 2 Up to date: release 1.0.0.", first.Console);
        Assert.Contains("update: Installed release 1.0.1 (1 fetched, 1 unchanged).", first.Console);
        Assert.Contains("updater: check: 1 Installed release 1.0.1 (1 fetched, 1 unchanged).", first.Console);
        Assert.Contains("updater: restart pending: True", first.Console);
        Assert.Contains("boot: restart asked by release 1.0.0.", first.Console);

        DeviceRun second = device.BootAndRun(10);
        Assert.Contains("boot: starting release 1.0.1 on trial (start 1 of 3): Updater.Program.Main", second.Console);
        Assert.Contains("updater: release 1.0.1 started, confirmed now", second.Console);
        Assert.Contains("inspect: release 1.0.1 verified", device.Inspect().Console);
    }

    public void Dispose() => _workspace.Dispose();

    // The application's own assemblies from its build output, a notes file beside them, signed.
    private static void Publish(ServedChannel channel, string build, string version, string notes)
    {
        IReadOnlyList<PeAssembly> bootApp = ReleaseAssemblies.Read(VirtualDevice.BootAppFolder);
        ReleasePublisher.CopyFromBuild(build, channel.Folder, bootApp);
        File.WriteAllText(Path.Combine(channel.Folder, "notes.txt"), notes);
        ReleasePublisher.Publish(channel.Folder, ServedChannel.Name, version, "Updater.Program.Main", [], channel.PrivateKeyPath, bootApp: bootApp);
    }

    private static string FetcherProgram(string drive, params (string Name, IPEndPoint Server)[] servers)
    {
        string calls = string.Concat(servers.Select(s => $"            Fetch(\"{s.Server.Address}\", {s.Server.Port.ToString(CultureInfo.InvariantCulture)}, \"payload.bin\", \"{drive}\\\\downloads\\\\{s.Name}.bin\");\n"));
        IPEndPoint first = servers[0].Server;
        string mount = drive == "D:"
            ? """
                        SDCardMmcParameters mmc = new SDCardMmcParameters();
                        mmc.slotIndex = 0;
                        mmc.dataWidth = SDCard.SDDataWidth._4_bit;
                        new SDCard(mmc, null).Mount();

            """
            : string.Empty;
        return $$"""
            using System;
            using System.IO;
            using System.Net;
            using System.Threading;
            using nanoFramework.System.IO.FileSystem;
            using TftpNano;
            using TftpNano.Security;

            namespace Fetcher
            {
                public static class Program
                {
                    public static void Main()
                    {
            {{mount}}            Directory.CreateDirectory("{{drive}}\\downloads");
            {{calls}}
                        TftpClient client = new TftpClient(IPAddress.Parse("{{first.Address}}"), {{first.Port}});
                        try
                        {
                            client.Download("missing.bin", new MemoryStream());
                        }
                        catch (TftpException e)
                        {
                            Console.WriteLine("fetcher: missing.bin refused: error " + ((int)e.ErrorCode).ToString() + ", '" + e.ServerMessage + "'");
                        }

                        CancellationTokenSource live = new CancellationTokenSource();
                        try
                        {
                            client.Download("missing.bin", new MemoryStream(), null, null, live.Token);
                        }
                        catch (TftpException e)
                        {
                            Console.WriteLine("fetcher: with a token, missing.bin refused: error " + ((int)e.ErrorCode).ToString());
                        }

                        CancellationTokenSource canceled = new CancellationTokenSource();
                        canceled.Cancel();
                        try
                        {
                            client.Download("payload.bin", new MemoryStream(), null, null, canceled.Token);
                        }
                        catch (TftpException e)
                        {
                            Console.WriteLine("fetcher: canceled before it started: failure " + ((int)e.Failure).ToString());
                        }
                    }

                    private static void Fetch(string server, int port, string name, string path)
                    {
                        TftpClient client = new TftpClient(IPAddress.Parse(server), port);
                        long written;
                        using (FileStream file = new FileStream(path, FileMode.Create, FileAccess.Write))
                        {
                            written = client.Download(name, file);
                        }

                        // Read back from the drive and hashed on the device: the chain of the manifests.
                        HmacSha256Chain chain = new HmacSha256Chain();
                        byte[] buffer = new byte[HmacSha256Chain.ChunkLength];
                        long read = 0;
                        using (FileStream file = new FileStream(path, FileMode.Open, FileAccess.Read))
                        {
                            int count;
                            while ((count = Fill(file, buffer)) > 0)
                            {
                                chain.Append(buffer, 0, count);
                                read += count;
                            }
                        }

                        byte[] digest = new byte[32];
                        chain.Finish(digest, 0);
                        string hex = string.Empty;
                        for (int i = 0; i < digest.Length; i++)
                        {
                            hex += digest[i].ToString("x2");
                        }

                        Console.WriteLine("fetcher: " + path + " " + written.ToString() + " bytes, read back " + read.ToString() + " bytes, digest " + hex);
                    }

                    // A whole chunk unless the file ends: the chain hashes 4096-byte pieces.
                    private static int Fill(Stream stream, byte[] buffer)
                    {
                        int filled = 0;
                        int count;
                        while (filled < buffer.Length && (count = stream.Read(buffer, filled, buffer.Length - filled)) > 0)
                        {
                            filled += count;
                        }

                        return filled;
                    }
                }
            }

            """;
    }

    // A release that confirms itself, then asks the boot app's server for an update once a second
    // (for 60 s at most) and restarts into the first one it installs.
    private const string UpdaterProgram = """
        using System;
        using System.Threading;
        using TftpNano.Application;
        using TftpNano.Update;

        namespace Updater
        {
            public static class Program
            {
                public static void Main()
                {
                    Console.WriteLine("updater: release " + ApplicationHealth.Version + " started, confirmed " + (ApplicationHealth.Confirm() ? "now" : "before"));
                    for (int i = 0; i < 60; i++)
                    {
                        UpdateResult result = ApplicationHealth.CheckForUpdate();
                        Console.WriteLine("updater: check: " + ((int)result.Outcome).ToString() + " " + result.Message);
                        if (result.Outcome == UpdateOutcome.Installed)
                        {
                            Console.WriteLine("updater: restart pending: " + ApplicationHealth.RestartPending.ToString());
                            ApplicationHealth.Restart();
                            return;
                        }

                        Thread.Sleep(1000);
                    }
                }
            }
        }

        """;
}
