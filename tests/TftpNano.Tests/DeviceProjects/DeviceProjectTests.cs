using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.DeviceProjects;

/// <summary>
/// The nanoFramework projects' files against each other: sources against nfproj, packages against
/// references, versions against the pinned table of docs/design.md, projects against the solution. What the
/// kit's build makes of them is <see cref="DeviceBuildTests"/>' part.
/// </summary>
public partial class DeviceProjectTests
{
    private const string NanoFrameworkProjectType = "{11A8DD76-328B-46DF-9F39-F559912D0360}";
    private static readonly string[] CSharpProjectTypes = ["{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}", "{9A19103F-16F7-4668-BE54-9A1E7A4F7556}"];
    private static readonly XNamespace MsBuild = "http://schemas.microsoft.com/developer/msbuild/2003";

    public static TheoryData<string> NanoProjects => new(DeviceBuild.Projects);

    [Theory]
    [MemberData(nameof(NanoProjects))]
    public void EverySourceFileIsCompiledAndEveryCompiledFileExists(string project)
    {
        (XDocument document, string folder) = Load(project);
        string[] compiled = document.Descendants(MsBuild + "Compile").Select(c => (string)c.Attribute("Include")!).ToArray();

        // Sources the project deliberately leaves to the desktop build, listed as None with the reason.
        string[] desktopOnly = document.Descendants(MsBuild + "None").Select(n => (string)n.Attribute("Include")!)
            .Where(n => n.EndsWith(".cs", StringComparison.Ordinal)).ToArray();
        Assert.Empty(compiled.Intersect(desktopOnly));
        string[] listed = compiled.Concat(desktopOnly).Order(StringComparer.Ordinal).ToArray();
        string[] onDisk = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f))
            .Where(f => f.Split(Path.DirectorySeparatorChar)[0] is not ("bin" or "obj"))
            .Select(f => f.Replace(Path.DirectorySeparatorChar, '\\'))
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.NotEmpty(listed);
        Assert.Equal(onDisk, listed);
    }

    [Theory]
    [MemberData(nameof(NanoProjects))]
    public void EveryPackageIsPinnedAndReferencedAtItsVersion(string project)
    {
        (XDocument document, string folder) = Load(project);
        Dictionary<string, PinnedPackage> pinned = PinnedPackages();
        XElement[] packages = XDocument.Load(Path.Combine(folder, "packages.config")).Root!.Elements("package").ToArray();
        Assert.Contains(packages, p => (string)p.Attribute("id")! == "nanoFramework.CoreLibrary");
        Assert.Contains(document.Descendants(MsBuild + "None"), n => (string)n.Attribute("Include")! == "packages.config");

        var references = document.Descendants(MsBuild + "Reference")
            .Select(r => (Include: (string)r.Attribute("Include")!, HintPath: r.Element(MsBuild + "HintPath")!.Value))
            .ToArray();
        string packagesFolder = string.Concat(Enumerable.Repeat("..\\", project.Count(c => c == '/'))) + "packages\\";
        foreach (XElement package in packages)
        {
            string id = (string)package.Attribute("id")!;
            string version = (string)package.Attribute("version")!;
            Assert.True(pinned.TryGetValue(id, out PinnedPackage? pin), $"{id} is not on the pinned list");
            Assert.True(pin.Version == version, $"{id} is {version} in {project}, pinned {pin.Version}");
            Assert.Equal("netnano1.0", (string)package.Attribute("targetFramework")!);

            var matching = references.Where(r => r.HintPath.StartsWith($"{packagesFolder}{id}.{version}\\lib\\", StringComparison.Ordinal)).ToArray();
            Assert.True(matching.Length > 0, $"{id} {version} has no Reference in {project}");
            foreach ((string include, string hintPath) in matching)
            {
                string assembly = Path.GetFileNameWithoutExtension(hintPath.Replace('\\', '/'));
                string expectedVersion = assembly == "nanoFramework.UnitTestLauncher" ? "0.0.0.0" : pin.AssemblyVersion;
                Assert.Equal($"{assembly}, Version={expectedVersion}, Culture=neutral, PublicKeyToken=c07d481e9758c731", include);
            }
        }

        // And no reference points outside the packages.config.
        foreach ((_, string hintPath) in references)
        {
            Assert.Contains(packages, p => hintPath.StartsWith($"{packagesFolder}{p.Attribute("id")!.Value}.{p.Attribute("version")!.Value}\\lib\\", StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(NanoProjects))]
    public void IsANanoFrameworkProjectInTheSolution(string project)
    {
        (XDocument document, _) = Load(project);
        string types = document.Descendants(MsBuild + "ProjectTypeGuids").Single().Value;
        Assert.StartsWith(NanoFrameworkProjectType, types, StringComparison.OrdinalIgnoreCase);
        string guid = document.Descendants(MsBuild + "ProjectGuid").Single().Value;
        SolutionProject entry = Assert.Single(SolutionProjects(), p => p.Path == project);
        Assert.Equal(NanoFrameworkProjectType, entry.TypeGuid, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(guid, entry.Guid, StringComparer.OrdinalIgnoreCase);
        foreach (XElement reference in document.Descendants(MsBuild + "ProjectReference"))
        {
            string target = Path.GetRelativePath(RepositoryPaths.Root,
                Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.Combine(RepositoryPaths.Root, project))!, ((string)reference.Attribute("Include")!).Replace('\\', '/'))));
            Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, target)), $"{project} references missing {target}");
            Assert.EndsWith(".nfproj", target, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryProjectIsInTheSolutionWithItsTypeAndTheFilterHoldsTheHostOnes()
    {
        string[] onDisk = Directory.EnumerateFiles(RepositoryPaths.Root, "*.*proj", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepositoryPaths.Root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => !f.Split('/').Any(part => part is "bin" or "obj" or ".local") && f.EndsWith("proj", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
        SolutionProject[] solution = SolutionProjects().Where(p => p.Path.EndsWith("proj", StringComparison.Ordinal)).ToArray();
        Assert.Equal(onDisk, solution.Select(p => p.Path).Order(StringComparer.Ordinal));
        foreach (SolutionProject project in solution)
        {
            bool nano = project.Path.EndsWith(".nfproj", StringComparison.Ordinal);
            Assert.True(nano ? project.TypeGuid == NanoFrameworkProjectType : CSharpProjectTypes.Contains(project.TypeGuid),
                $"{project.Path} has project type {project.TypeGuid}");
        }

        using JsonDocument filter = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "TftpNano.Host.slnf")));
        string[] filtered = filter.RootElement.GetProperty("solution").GetProperty("projects").EnumerateArray()
            .Select(p => p.GetString()!.Replace('\\', '/')).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(solution.Where(p => p.Path.EndsWith(".csproj", StringComparison.Ordinal)).Select(p => p.Path).Order(StringComparer.Ordinal), filtered);
    }

    [Fact]
    public void TheDeviceTestProjectRunsWithItsSettings()
    {
        (XDocument document, string folder) = Load("tests/TftpNano.Device.Tests/TftpNano.Device.Tests.nfproj");
        Assert.Equal("true", document.Descendants(MsBuild + "IsTestProject").Single().Value);
        Assert.Contains("nano.runsettings", document.Descendants(MsBuild + "RunSettingsFilePath").Single().Value, StringComparison.Ordinal);
        Assert.Contains(document.Descendants(MsBuild + "ProjectCapability"), c => (string)c.Attribute("Include")! == "TestContainer");
        XDocument settings = XDocument.Load(Path.Combine(folder, "nano.runsettings"));
        Assert.Equal("False", settings.Descendants("IsRealHardware").Single().Value);
    }

    private static (XDocument Document, string Folder) Load(string project)
    {
        string path = Path.Combine(RepositoryPaths.Root, project);
        return (XDocument.Load(path), Path.GetDirectoryName(path)!);
    }

    private sealed record SolutionProject(string TypeGuid, string Path, string Guid);

    private static IEnumerable<SolutionProject> SolutionProjects() =>
        ProjectLine().Matches(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "TftpNano.sln")))
            .Select(m => new SolutionProject(m.Groups["type"].Value.ToUpperInvariant(), m.Groups["path"].Value.Replace('\\', '/'), m.Groups["guid"].Value));

    /// <summary>A row of the pinned packages table of docs/design.md.</summary>
    internal sealed record PinnedPackage(string Id, string Version, string AssemblyVersion);

    // The pinned versions: every "| nanoFramework.X | version | assembly version |" row of docs/design.md.
    internal static Dictionary<string, PinnedPackage> PinnedPackages() =>
        PinnedRow().Matches(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "design.md")))
            .Select(m => new PinnedPackage(m.Groups["id"].Value, m.Groups["version"].Value, m.Groups["assembly"].Value))
            .ToDictionary(p => p.Id);

    [GeneratedRegex("""^Project\("(?<type>\{[^}]+\})"\) = "[^"]+", "(?<path>[^"]+)", "(?<guid>\{[^}]+\})"\r?$""", RegexOptions.Multiline)]
    private static partial Regex ProjectLine();

    [GeneratedRegex(@"^\| (?<id>nanoFramework\.[A-Za-z0-9.]+) \| (?<version>\d+\.\d+\.\d+) \| (?<assembly>\d+\.\d+\.\d+\.\d+) \|", RegexOptions.Multiline)]
    private static partial Regex PinnedRow();
}
