using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using TftpNano.Cli.Update;
using TftpNano.Host.Update;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.DeviceProjects;

/// <summary>
/// What the device deploys and loads at every boot: the core as the boot app's build made it.
/// </summary>
public sealed class DeviceCoreTests
{
    [NanoKitFact]
    public void TheDevicesCoreHoldsNoServerOnlyCode()
    {
        string pe = Path.Combine(VirtualDevice.BootAppFolder, "TftpNano.pe");
        using var dll = new PEReader(File.OpenRead(Path.ChangeExtension(pe, ".dll")));
        MetadataReader metadata = dll.GetMetadataReader();
        var types = metadata.TypeDefinitions.Select(metadata.GetTypeDefinition).ToArray();
        var methods = types.SelectMany(t => t.GetMethods()
            .Select(m => metadata.GetString(t.Name) + "." + metadata.GetString(metadata.GetMethodDefinition(m).Name))).ToHashSet();

        // What the client needs is there; what only a server needs is not.
        Assert.Contains("TftpPacket.WriteRequest", methods);
        Assert.Contains("TransferPort.ForReadRequest", methods);
        Assert.Contains("TftpOptions.FindExcess", methods);
        Assert.DoesNotContain("TftpPacket.ReadRequest", methods);
        Assert.DoesNotContain("TransferPort.ToClient", methods);
        Assert.DoesNotContain("TftpOptions.Grant", methods);
        Assert.DoesNotContain(types, t => metadata.GetString(t.Name) == "TftpRequest");
        Assert.DoesNotContain(PeAssembly.Read(pe).Types, t => t.FullName == "TftpNano.Protocol.TftpRequest");
    }
}
