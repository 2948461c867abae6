using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using TftpNano.Application;
using TftpNano.Cli.Update;
using TftpNano.Host.Update;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.Cli;

/// <summary>
/// Which <c>.pe</c> files a release ships, in what order, and what it needs from the boot app, read from
/// the headers of assemblies built by the kit: the header reader agrees with each assembly's own .NET
/// metadata, and every release the device could not start, or would waste RAM on, is refused with a
/// sentence that says what to do.
/// </summary>
public sealed class ReleaseAssembliesTests : IDisposable
{
    private const string Sample = "samples/Heartbeat/Heartbeat.nfproj";
    private readonly Workspace _workspace = new();

    private static string BootApp => VirtualDevice.BootAppFolder;

    private static string SampleBuild => VirtualDevice.Build.OutputFolder(Sample);

    [NanoKitFact]
    public void TheHeaderReaderAgreesWithTheAssembliesOwnMetadata()
    {
        IReadOnlyList<PeAssembly> carried = ReleaseAssemblies.Read(BootApp);
        Assert.True(carried.Count >= 10, string.Join(", ", carried.Select(a => a.FileName)));
        foreach (PeAssembly assembly in carried)
        {
            // The compiler's output beside it: a library's .dll, the boot app's .exe.
            string compiled = new[] { ".dll", ".exe" }.Select(e => Path.ChangeExtension(assembly.Path, e)).First(File.Exists);
            using var dll = new PEReader(File.OpenRead(compiled));
            MetadataReader metadata = dll.GetMetadataReader();
            AssemblyDefinition definition = metadata.GetAssemblyDefinition();
            Assert.Equal(metadata.GetString(definition.Name), assembly.DisplayName);
            Assert.Equal(definition.Version, assembly.Version);

            // The .pe keeps the references its code uses, each as the .dll names it.
            var expected = metadata.AssemblyReferences.Select(metadata.GetAssemblyReference)
                .Select(r => (metadata.GetString(r.Name), r.Version)).ToHashSet();
            foreach (PeReference reference in assembly.References)
            {
                string name = reference.Name.Text ?? carried.Single(c => c.Name == reference.Name).DisplayName;
                Assert.Contains((name, reference.Version), expected);
            }

            Assert.True(assembly.References.Count > 0 || assembly.DisplayName == "mscorlib", assembly.FileName);
            Assert.Equal(assembly.DisplayName is "TftpNano" or "TftpNano.Device" or "System.IO.Streams" or "System.Threading", assembly.NativeChecksum == 0);
        }
    }

    [NanoKitFact]
    public void TheSampleIsPublishedFromItsBuildOutputWithWhatItNeeds()
    {
        string channel = _workspace.Folder("channel");
        File.WriteAllBytes(Path.Combine(channel, "Old.pe"), [1, 2, 3]);
        File.WriteAllText(Path.Combine(channel, "notes.txt"), "kept");

        ProcessResult publish = GetCommandTests.Tftpnano(channel, "manifest", channel, "--channel", "fw/stable", "--version", "1.0.0",
            "--entry", "Heartbeat.Program.Main", "--from", SampleBuild, "--boot-app", BootApp);

        Assert.True(publish.ExitCode == 0, publish.StandardError);
        long size = new FileInfo(Path.Combine(SampleBuild, "Heartbeat.pe")).Length + "kept".Length;
        Assert.Equal($"copied Heartbeat.pe; deleted Old.pe\nrelease 1.0.0: 2 files, {size} B, unsigned", publish.StandardOutput.Trim().Replace("\r", string.Empty));
        string[] lines = File.ReadAllLines(Path.Combine(channel, "manifest"));
        Assert.Equal(
            ["needs System.Device.Gpio 1.1", "needs TftpNano 1.0", "needs mscorlib 1.17"],
            lines.Where(l => l.StartsWith("needs ", StringComparison.Ordinal)));
        Assert.Equal(["Heartbeat.pe", "notes.txt"], lines.Where(l => l.StartsWith("file ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]));
    }

    [NanoKitFact]
    public void TheTypesAndEntryMethodsReadFromThePeAreTheAssemblysOwn()
    {
        // Blinky: one type, two static methods without parameters; and the core, with many types.
        PeAssembly blinky = PeAssembly.Read(Path.Combine(VirtualDevice.AppFolder, "Blinky.pe"));
        PeType program = Assert.Single(blinky.Types);
        Assert.Equal("Blinky.Program", program.FullName);
        Assert.Equal(["Main", "Unhealthy"], program.EntryMethods);

        PeAssembly core = PeAssembly.Read(Path.Combine(BootApp, "TftpNano.pe"));
        using var dll = new PEReader(File.OpenRead(Path.ChangeExtension(core.Path, ".dll")));
        MetadataReader metadata = dll.GetMetadataReader();
        var defined = metadata.TypeDefinitions.Select(metadata.GetTypeDefinition)
            .Select(t => t.GetDeclaringType().IsNil
                ? (metadata.GetString(t.Namespace).Length == 0 ? "" : metadata.GetString(t.Namespace) + ".") + metadata.GetString(t.Name)
                : metadata.GetString(metadata.GetTypeDefinition(t.GetDeclaringType()).Name) + "+" + metadata.GetString(t.Name))
            .ToHashSet();
        PeType[] named = core.Types.Where(t => t.FullName is not null).ToArray();
        Assert.True(named.Length > 50, $"{named.Length} types read");
        Assert.All(named, t => Assert.True(defined.Contains(t.FullName!) || defined.Any(d => t.FullName!.EndsWith(d, StringComparison.Ordinal)), t.FullName));
        Assert.Contains("Confirm", core.Types.Single(t => t.FullName == "TftpNano.Application.ApplicationHealth").EntryMethods);
        Assert.DoesNotContain("RetryDelaySeconds", core.Types.Single(t => t.FullName == "TftpNano.Boot.BootSequence").EntryMethods);
    }

    [NanoKitTheory]
    [InlineData("Nope.Program.Main", "--entry Nope.Program.Main: no assembly of the release defines the type Nope.Program, so the device could never start it.")]
    [InlineData("Blinky.Program.Nope", "--entry Blinky.Program.Nope: Blinky.Program has no static method Nope without parameters, so the device could never start it.")]
    [InlineData("A..B", "--entry A..B: no assembly of the release defines the type A., so the device could never start it.")]
    public void AnEntryPointTheReleaseDoesNotDefineIsRefused(string entry, string refusal)
    {
        string channel = Release(Path.Combine(VirtualDevice.AppFolder, "Blinky.pe"));

        var refused = Assert.Throws<ArgumentException>(() => ReleasePublisher.Publish(channel, "fw", "1.0", entry, [], null, bootApp: ReleaseAssemblies.Read(BootApp)));

        Assert.Equal(refusal, refused.Message);
        Assert.False(File.Exists(Path.Combine(channel, "manifest")));
        ReleasePublisher.Publish(channel, "fw", "1.0", "Blinky.Program.Unhealthy", [], null, bootApp: ReleaseAssemblies.Read(BootApp));
    }

    [NanoKitFact]
    public void AnAssemblyTheBootAppCarriesIsRefused()
    {
        string release = Release(Path.Combine(BootApp, "mscorlib.pe"));
        Assert.Equal("mscorlib.pe is mscorlib 1.17.11.0, which the boot app carries (1.17.11.0): leave it out of the release; "
            + "a second copy would stay in the device's RAM for good.", Refusal(release, BootApp));
    }

    [NanoKitFact]
    public void AnAssemblyWithNativeMethodsIsRefused()
    {
        // As the sample would be with a native method: the header's checksum of native signatures.
        string release = Release();
        Patch(Path.Combine(release, "Heartbeat.pe"), 20, [0x78, 0x56, 0x34, 0x12]);
        Assert.StartsWith("Heartbeat.pe has native methods (checksum 0x12345678), which the firmware binds only for the assemblies "
            + "deployed with the boot app", Refusal(release, BootApp), StringComparison.Ordinal);
    }

    [NanoKitFact]
    public void AReferenceAtAnotherMinorVersionIsRefused()
    {
        string release = Release();
        string sample = Path.Combine(release, "Heartbeat.pe");
        PeReference mscorlib = PeAssembly.Read(sample).References.Single(r => r.Name == ReleaseAssemblies.Read(BootApp).Single(a => a.FileName == "mscorlib.pe").Name);
        int index = PeAssembly.Read(sample).References.ToList().IndexOf(mscorlib);
        Patch(sample, ReferenceOffset(sample, index) + 6, [16, 0]);

        Assert.StartsWith("Heartbeat.pe was built against mscorlib 1.16.11.0, and the boot app carries 1.17.11.0: nanoFramework binds "
            + "references by name and major.minor", Refusal(release, BootApp), StringComparison.Ordinal);
    }

    [NanoKitFact]
    public void AReferenceNothingSatisfiesIsRefused()
    {
        string bootApp = BootAppWithout("TftpNano.pe");
        Assert.Equal("Heartbeat.pe references TftpNano 1.0.0.0, which neither the release nor the boot app has: add its .pe to the release.",
            Refusal(Release(), bootApp));
    }

    [NanoKitFact]
    public void EachAssemblyLoadsAfterThoseItReferences()
    {
        // TftpNano.pe as a library of the release, which the sample references: it goes first, though
        // its name sorts after.
        string bootApp = BootAppWithout("TftpNano.pe");
        string release = Release(Path.Combine(BootApp, "TftpNano.pe"));
        ReleaseAssemblies plan = ReleaseAssemblies.Plan(ReleaseAssemblies.Read(release), ReleaseAssemblies.Read(bootApp));
        Assert.Equal(["TftpNano.pe", "Heartbeat.pe"], plan.LoadOrder);
        Assert.DoesNotContain(plan.Needs, n => n.Name == "TftpNano");
    }

    // A channel folder holding the sample's own assembly and the given extra files.
    private string Release(params string[] extra)
    {
        string folder = _workspace.Folder("release-" + Guid.NewGuid().ToString("N"));
        File.Copy(Path.Combine(SampleBuild, "Heartbeat.pe"), Path.Combine(folder, "Heartbeat.pe"));
        foreach (string file in extra)
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        return folder;
    }

    private string BootAppWithout(string file)
    {
        string folder = _workspace.Folder("boot-" + Guid.NewGuid().ToString("N"));
        foreach (string pe in Directory.GetFiles(BootApp, "*.pe").Where(f => Path.GetFileName(f) != file))
        {
            File.Copy(pe, Path.Combine(folder, Path.GetFileName(pe)));
        }

        return folder;
    }

    private static string Refusal(string release, string bootApp) =>
        Assert.Throws<ArgumentException>(() => ReleaseAssemblies.Plan(ReleaseAssemblies.Read(release), ReleaseAssemblies.Read(bootApp))).Message;

    // The offset of the index-th assembly reference (12 bytes each: name, padding, version) in a .pe:
    // table 0 starts where the offsets of the 16 tables, from byte 40, say.
    private static int ReferenceOffset(string path, int index) => BitConverter.ToInt32(File.ReadAllBytes(path), 40) + (12 * index);

    private static void Patch(string path, int offset, byte[] bytes)
    {
        byte[] image = File.ReadAllBytes(path);
        bytes.CopyTo(image, offset);
        File.WriteAllBytes(path, image);
    }

    public void Dispose() => _workspace.Dispose();
}
