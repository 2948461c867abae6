using TftpNano.Cli.Update;
using TftpNano.Host.Update;
using TftpNano.Tests.Support;
using TftpNano.Update;
using TftpNano.Update.Manifest;

namespace TftpNano.Tests.DeviceInTheLoop;

/// <summary>
/// The sample application (<c>samples/Heartbeat</c>), built by the kit, published as the README's
/// walk-through does (<c>tftpnano manifest --from ... --boot-app ...</c>), and booted by the real boot
/// app in the virtual device: it installs, blinks its LED, confirms its start, and a release built
/// against another mscorlib is refused by the device before anything is fetched.
/// </summary>
public sealed class SampleAppTests
{
    private const string Sample = "samples/Heartbeat/Heartbeat.nfproj";

    [NanoKitFact]
    public void ThePublishedSampleInstallsBlinksAndConfirmsItself()
    {
        using var channel = new ServedChannel(ServedChannel.Serve);
        var device = new VirtualDevice(channel.DeviceFolder("device"));
        device.Provision((@"I:\tftpnano.conf", channel.Settings("sd-mmc")));
        Publish(channel, "1.0.0");

        DeviceRun boot = device.BootAndRun(15);
        Assert.True(boot.ExitCode == DeviceRun.TimedOut, boot.ToString());
        string console = boot.Console;
        Assert.Contains("update: Installed release 1.0.0 (1 fetched, 0 unchanged).", console);
        Assert.Contains("boot: starting release 1.0.0 on trial (start 1 of 3): Heartbeat.Program.Main", console);
        Assert.Contains(@"heartbeat: LED on GPIO 2, releases on D:\", console);
        Assert.Contains("heartbeat: start confirmed", console);
        // The virtual ESP32 prints every GPIO write: the LED goes on, then keeps changing every half second.
        string[] led = console.Split('\n').Where(line => line.StartsWith("[vesp32] gpio 2 = ", StringComparison.Ordinal)).ToArray();
        Assert.True(led.Count(line => line.EndsWith("= 1", StringComparison.Ordinal)) >= 3 && led.Count(line => line.EndsWith("= 0", StringComparison.Ordinal)) >= 3, console);

        boot = device.BootAndRun(8);
        Assert.Contains("update: Up to date: release 1.0.0.", boot.Console);
        Assert.Contains("boot: starting release 1.0.0: Heartbeat.Program.Main", boot.Console);
        Assert.Contains("heartbeat: start was confirmed before", boot.Console);
    }

    [NanoKitFact]
    public void AReleaseBuiltAgainstAnotherMscorlibIsRefusedBeforeAnythingIsFetched()
    {
        using var channel = new ServedChannel(ServedChannel.Serve);
        var device = new VirtualDevice(channel.DeviceFolder("device"));
        device.Provision((@"I:\tftpnano.conf", channel.Settings("internal")));
        Publish(channel, "1.0.0");
        Assert.Contains("heartbeat: start confirmed", device.BootAndRun(15).Console);

        // As a release built with another nanoFramework release set would say: signed, and honest.
        Publish(channel, "1.0.1");
        string manifest = Path.Combine(channel.Folder, ReleaseManifest.FileName);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("needs mscorlib 1.17", "needs mscorlib 1.16", StringComparison.Ordinal));
        File.WriteAllBytes(Path.Combine(channel.Folder, ReleaseManifest.SignatureFileName), SigningKey.Sign(File.ReadAllBytes(manifest), channel.PrivateKeyPath));

        DeviceRun boot = device.BootAndRun(15);
        Assert.Contains("update: Release 1.0.1 was built against mscorlib 1.16; the boot app carries mscorlib 1.17.11.0.", boot.Console);
        Assert.DoesNotContain("Fetching", boot.Console);
        Assert.Contains("boot: starting release 1.0.0: Heartbeat.Program.Main", boot.Console);
    }

    // What the README's walk-through runs: the sample's build output in, its own assemblies out.
    private static void Publish(ServedChannel channel, string version)
    {
        IReadOnlyList<PeAssembly> bootApp = ReleaseAssemblies.Read(VirtualDevice.BootAppFolder);
        ReleasePublisher.CopyFromBuild(VirtualDevice.Build.OutputFolder(Sample), channel.Folder, bootApp);
        ReleasePublisher.Publish(channel.Folder, ServedChannel.Name, version, "Heartbeat.Program.Main", [], channel.PrivateKeyPath, bootApp: bootApp);
    }
}
