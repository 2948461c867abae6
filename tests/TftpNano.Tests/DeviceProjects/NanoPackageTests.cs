using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using TftpNano.Cli.Update;
using TftpNano.Host.Update;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.DeviceProjects;

/// <summary>
/// The package <c>tools/pack.sh</c> writes, as nanoFramework's own packages are laid out, and the
/// README's application examples built against it with the kit, as a developer's project would be.
/// </summary>
public sealed partial class NanoPackageTests : IDisposable
{
    private readonly Workspace _workspace = new();

    [NanoKitFact]
    public void HoldsTheCoreItsPinnedDependenciesLicenseReadmeAndRepository()
    {
        NanoPackage package = NanoPackage.Instance;
        using ZipArchive zip = ZipFile.OpenRead(package.Require());
        string[] lib = zip.Entries.Where(e => e.FullName.StartsWith("lib/", StringComparison.Ordinal)).Select(e => e.FullName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["lib/TftpNano.dll", "lib/TftpNano.pdbx", "lib/TftpNano.pe", "lib/TftpNano.xml"], lib);

        // One version: the assembly's own, which the .pe carries and the file name repeats.
        string version = Regex.Match(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "TftpNano", "Properties", "AssemblyInfo.cs")),
            @"AssemblyInformationalVersion\(""([^""]+)""\)").Groups[1].Value;
        Assert.Equal(version, package.Version);
        Assert.Equal($"TftpNano.{version}.nupkg", Path.GetFileName(package.Require()));
        string pe = Path.Combine(_workspace.Root, "TftpNano.pe");
        zip.GetEntry("lib/TftpNano.pe")!.ExtractToFile(pe);
        PeAssembly assembly = PeAssembly.Read(pe);
        Assert.Equal(("TftpNano", new Version(version + ".0")), (assembly.DisplayName, assembly.Version));

        // Exactly the packages the core is built against, at the pinned versions.
        Dictionary<string, DeviceProjectTests.PinnedPackage> pinned = DeviceProjectTests.PinnedPackages();
        (string Id, string Version)[] core = XDocument.Load(Path.Combine(RepositoryPaths.Root, "src", "TftpNano", "packages.config")).Root!
            .Elements("package").Select(p => ((string)p.Attribute("id")!, (string)p.Attribute("version")!)).ToArray();
        Assert.Equal(core.Order(), package.Dependencies().Order());
        Assert.All(package.Dependencies(), d => Assert.Equal(pinned[d.Id].Version, d.Version));
        Assert.Contains(("nanoFramework.System.Net", "1.11.60"), package.Dependencies());

        XElement metadata = package.Metadata();
        string Element(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
        XElement license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal(("expression", "MIT"), ((string?)license.Attribute("type"), license.Value));
        Assert.StartsWith("MIT License", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "LICENSE")), StringComparison.Ordinal);
        Assert.Equal("docs/README.md", Element("readme"));
        Assert.NotNull(zip.GetEntry("docs/README.md"));
        Assert.Contains("nanoFramework", Element("tags").Split(' '));
        XElement repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.Equal(("git", NanoPackage.Origin, package.Commit),
            ((string?)repository.Attribute("type"), (string?)repository.Attribute("url"), (string?)repository.Attribute("commit")));
    }

    [NanoKitFact]
    public void TheReadmesApplicationExamplesBuildAgainstThePackageWithoutWarnings()
    {
        string[] examples = PublicApiTests.ApplicationExamples();
        Assert.Equal(2, examples.Length);
        string solution = _workspace.Folder("solution");
        for (int i = 0; i < examples.Length; i++)
        {
            string project = NanoPackage.Instance.CreateApplication(solution, "Example" + i, examples[i]);
            string output = NanoPackage.Build(project);
            Assert.True(File.Exists(Path.Combine(output, $"Example{i}.pe")), $"example {i} has no .pe");
        }
    }

    public void Dispose() => _workspace.Dispose();
}
