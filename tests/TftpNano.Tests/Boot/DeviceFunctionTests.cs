using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using TftpNano.Boot;
using TftpNano.Boot.Board;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.Boot;

/// <summary>
/// The settings' pin function names reach the hardware as the right <c>DeviceFunction</c> values: the
/// device cannot look them up by name, so the table in <see cref="Esp32DeviceFunctions"/> must equal the
/// enum in the assembly the boot app is built against, and name everything the documentation uses.
/// </summary>
public partial class DeviceFunctionTests
{
    [NanoKitFact]
    public void EveryEntryIsTheEnumsConstantInTheKitsHardwareEsp32()
    {
        Dictionary<string, int> members = EnumConstants(
            NanoKit.PackageAssembly("nanoFramework.Hardware.Esp32.1.6.40", "nanoFramework.Hardware.Esp32.dll"),
            "nanoFramework.Hardware.Esp32", "DeviceFunction");
        Assert.True(members.Count > 50, $"read only {members.Count} members of DeviceFunction");

        string[] names = Esp32DeviceFunctions.Names();
        Assert.NotEmpty(names);
        foreach (string name in names)
        {
            Assert.True(members.TryGetValue(name, out int value), $"{name} is not a member of DeviceFunction");
            Assert.True(value == Esp32DeviceFunctions.ValueOf(name), $"{name} is {value} in the enum, {Esp32DeviceFunctions.ValueOf(name)} in the table");
        }

        // Every storage-related function of the enum is routable.
        string[] storageFunctions = members.Keys.Where(k => StorageFunction().IsMatch(k)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(storageFunctions, names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryNameTheBoardsAndTheDocumentationUseIsRoutable()
    {
        string[] documents = [
            Path.Combine(RepositoryPaths.Root, "README.md"),
            Path.Combine(RepositoryPaths.Root, "docs", "design.md"),
            .. Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "boards"), "*", SearchOption.AllDirectories)];
        string[] used = documents.SelectMany(d => StorageFunction().Matches(File.ReadAllText(d)).Select(m => m.Value)).Distinct().ToArray();
        Assert.Contains("SDMMC1_CLOCK", used);
        Assert.Contains("SPI1_MISO", used);
        Assert.All(used, name => Assert.True(Esp32DeviceFunctions.ValueOf(name) >= 0, $"{name} is used in the documentation but not routable"));
    }

    private static Dictionary<string, int> EnumConstants(string assembly, string ns, string type)
    {
        using FileStream file = File.OpenRead(assembly);
        using var pe = new PEReader(file);
        MetadataReader metadata = pe.GetMetadataReader();
        TypeDefinition definition = metadata.TypeDefinitions.Select(metadata.GetTypeDefinition)
            .Single(t => metadata.GetString(t.Name) == type && metadata.GetString(t.Namespace) == ns);
        var constants = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (FieldDefinitionHandle handle in definition.GetFields())
        {
            FieldDefinition field = metadata.GetFieldDefinition(handle);
            ConstantHandle constant = field.GetDefaultValue();
            if (!constant.IsNil)
            {
                Constant value = metadata.GetConstant(constant);
                constants[metadata.GetString(field.Name)] = metadata.GetBlobReader(value.Value).ReadInt32();
            }
        }

        return constants;
    }

    [GeneratedRegex(@"\b(SPI|I2C|SDMMC)[12]_[A-Z0-9]+\b")]
    private static partial Regex StorageFunction();
}
