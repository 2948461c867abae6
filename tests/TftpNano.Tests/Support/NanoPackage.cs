using System.IO.Compression;
using System.Reflection;
using System.Text;
using System.Xml.Linq;

namespace TftpNano.Tests.Support;

/// <summary>
/// The core's nanoFramework package as <c>tools/pack.sh</c> writes it, packed once per test run from a
/// clone of the sources whose origin is a URL, as a published repository's clone would be.
/// </summary>
internal sealed class NanoPackage
{
    /// <summary>Where the clone says it comes from: a reserved name, never contacted.</summary>
    public const string Origin = "https://example.invalid/tftpnano.git";

    private static readonly Lazy<NanoPackage> Packed = new(() => new NanoPackage());

    private NanoPackage()
    {
        string root = Directory.CreateTempSubdirectory("tftpnano-package-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(root, recursive: true);
        string clone = Path.Combine(root, "clone");
        FolderCopy.Sources(Path.Combine(RepositoryPaths.Root, "src", "TftpNano"), Path.Combine(clone, "src", "TftpNano"));
        FolderCopy.Sources(Path.Combine(RepositoryPaths.Root, "tools"), Path.Combine(clone, "tools"));
        System.IO.File.Copy(Path.Combine(RepositoryPaths.Root, "README.md"), Path.Combine(clone, "README.md"));
        Git(clone, "init", "--quiet");
        Git(clone, "add", "--all");
        Git(clone, "-c", "user.name=TftpNano", "-c", "user.email=tests@example.invalid", "commit", "--quiet", "--message", "sources");
        Git(clone, "remote", "add", "origin", Origin);
        Commit = Git(clone, "rev-parse", "HEAD").Trim();

        Feed = Path.Combine(root, "feed");
        var environment = new Dictionary<string, string> { ["NANOFRAMEWORK_SDK"] = NanoKit.Require() };
        PackOutput = ProcessRunner.Run("bash", [Path.Combine(clone, "tools", "pack.sh"), Feed], TimeSpan.FromMinutes(5), clone, environment);
        File = Directory.Exists(Feed) ? Directory.GetFiles(Feed, "*.nupkg").SingleOrDefault() : null;
    }

    /// <summary>The package of this test run.</summary>
    public static NanoPackage Instance => Packed.Value;

    /// <summary>The clone's commit, which the package names.</summary>
    public string Commit { get; }

    /// <summary>A folder holding the package, as a local NuGet feed does.</summary>
    public string Feed { get; }

    /// <summary>What pack.sh printed and returned.</summary>
    public ProcessResult PackOutput { get; }

    /// <summary>The package file, or null when pack.sh wrote none.</summary>
    public string? File { get; }

    /// <summary>The package's file, failing the test when pack.sh did not write one.</summary>
    public string Require() => File ?? throw new Xunit.Sdk.XunitException(
        "tools/pack.sh wrote no package:\n" + PackOutput.StandardOutput + PackOutput.StandardError);

    /// <summary>The nuspec's metadata element.</summary>
    public XElement Metadata()
    {
        using ZipArchive zip = ZipFile.OpenRead(Require());
        ZipArchiveEntry nuspec = zip.Entries.Single(e => e.FullName == "TftpNano.nuspec");
        using Stream stream = nuspec.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    /// <summary>The package's version, as its nuspec says.</summary>
    public string Version => Metadata().Elements().Single(e => e.Name.LocalName == "version").Value;

    /// <summary>The packages the nuspec depends on: id and version.</summary>
    public (string Id, string Version)[] Dependencies() =>
        Metadata().Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => ((string)e.Attribute("id")!, (string)e.Attribute("version")!))
            .ToArray();

    /// <summary>
    /// Writes a nanoFramework project as Visual Studio leaves it once the TftpNano package is installed
    /// from NuGet: a <c>packages.config</c> naming TftpNano and each package it depends on, a
    /// <c>&lt;Reference&gt;</c> with a <c>HintPath</c> into <c>packages/</c> for every assembly of
    /// them, and the sources given. Then restores it as a packages.config restore does: TftpNano
    /// unpacked from the feed into <c>packages/TftpNano.VERSION</c> (the nanoFramework packages come
    /// from the kit, which nf-build links in).
    /// </summary>
    /// <param name="solution">The solution's folder; the project goes below it, <c>packages/</c> beside.</param>
    /// <param name="name">The project's and the assembly's name.</param>
    /// <param name="program">The text of <c>Program.cs</c>.</param>
    /// <returns>The project file.</returns>
    public string CreateApplication(string solution, string name, string program)
    {
        string version = Version;
        string installed = Path.Combine(solution, "packages", $"TftpNano.{version}");
        if (!Directory.Exists(installed))
        {
            ZipFile.ExtractToDirectory(Require(), installed);
            System.IO.File.Copy(Require(), Path.Combine(installed, Path.GetFileName(Require())));
        }

        var packages = new List<(string Id, string Version)> { ("TftpNano", version) };
        packages.AddRange(Dependencies());
        var config = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<packages>\n");
        var references = new StringBuilder();
        foreach ((string id, string packageVersion) in packages.OrderBy(p => p.Id, StringComparer.Ordinal))
        {
            config.Append($"  <package id=\"{id}\" version=\"{packageVersion}\" targetFramework=\"netnano1.0\" />\n");
            string lib = id == "TftpNano" ? Path.Combine(installed, "lib") : Path.Combine(NanoKit.Require(), "packages", $"{id}.{packageVersion}", "lib");
            foreach (string assembly in Directory.GetFiles(lib, "*.dll").Order(StringComparer.Ordinal))
            {
                AssemblyName identity = AssemblyName.GetAssemblyName(assembly);
                byte[]? token = identity.GetPublicKeyToken();
                string publicKeyToken = token is { Length: > 0 } ? Convert.ToHexStringLower(token) : "null";
                references.Append($"""
                        <Reference Include="{identity.Name}, Version={identity.Version}, Culture=neutral, PublicKeyToken={publicKeyToken}">
                          <HintPath>..\packages\{id}.{packageVersion}\lib\{Path.GetFileName(assembly)}</HintPath>
                          <Private>True</Private>
                        </Reference>

                    """);
            }
        }

        string folder = Directory.CreateDirectory(Path.Combine(solution, name)).FullName;
        Directory.CreateDirectory(Path.Combine(folder, "Properties"));
        System.IO.File.WriteAllText(Path.Combine(folder, "packages.config"), config.Append("</packages>\n").ToString());
        System.IO.File.WriteAllText(Path.Combine(folder, "Program.cs"), program);
        System.IO.File.WriteAllText(Path.Combine(folder, "Properties", "AssemblyInfo.cs"), $"""
            using System.Reflection;

            [assembly: AssemblyTitle("{name}")]
            [assembly: AssemblyVersion("1.0.0.0")]

            """);
        string project = Path.Combine(folder, name + ".nfproj");
        System.IO.File.WriteAllText(project, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <Project ToolsVersion="Current" DefaultTargets="Build" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
              <PropertyGroup Label="Globals">
                <NanoFrameworkProjectSystemPath>$(MSBuildExtensionsPath)\nanoFramework\v1.0\</NanoFrameworkProjectSystemPath>
              </PropertyGroup>
              <Import Project="$(NanoFrameworkProjectSystemPath)NFProjectSystem.Default.props" Condition="Exists('$(NanoFrameworkProjectSystemPath)NFProjectSystem.Default.props')" />
              <PropertyGroup>
                <Configuration Condition=" '$(Configuration)' == '' ">Debug</Configuration>
                <Platform Condition=" '$(Platform)' == '' ">AnyCPU</Platform>
                <ProjectTypeGuids>{"{11A8DD76-328B-46DF-9F39-F559912D0360};{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}"}</ProjectTypeGuids>
                <ProjectGuid>{"{" + Guid.NewGuid().ToString().ToUpperInvariant() + "}"}</ProjectGuid>
                <OutputType>Exe</OutputType>
                <AppDesignerFolder>Properties</AppDesignerFolder>
                <FileAlignment>512</FileAlignment>
                <RootNamespace>{name}</RootNamespace>
                <AssemblyName>{name}</AssemblyName>
                <TargetFrameworkVersion>v1.0</TargetFrameworkVersion>
              </PropertyGroup>
              <Import Project="$(NanoFrameworkProjectSystemPath)NFProjectSystem.props" Condition="Exists('$(NanoFrameworkProjectSystemPath)NFProjectSystem.props')" />
              <ItemGroup>
                <Compile Include="Program.cs" />
                <Compile Include="Properties\AssemblyInfo.cs" />
              </ItemGroup>
              <ItemGroup>
                <None Include="packages.config" />
              </ItemGroup>
              <ItemGroup>
            {references}  </ItemGroup>
              <Import Project="$(NanoFrameworkProjectSystemPath)NFProjectSystem.CSharp.targets" Condition="Exists('$(NanoFrameworkProjectSystemPath)NFProjectSystem.CSharp.targets')" />
              <ProjectExtensions>
                <ProjectCapabilities>
                  <ProjectConfigurationsDeclaredAsItems />
                </ProjectCapabilities>
              </ProjectExtensions>
            </Project>

            """);
        return project;
    }

    /// <summary>Builds a project with the kit's nf-build, in Release, and returns its output folder.</summary>
    public static string Build(string project)
    {
        ProcessResult built = ProcessRunner.Run(NanoKit.Tool("nf-build"), ["-c", "Release", project], TimeSpan.FromMinutes(5));
        string log = built.StandardOutput + built.StandardError;
        Assert.True(built.ExitCode == 0, Path.GetFileName(project) + " did not build:\n" + log);
        string[] diagnostics = log.Split('\n').Where(l => l.Contains(": warning ", StringComparison.Ordinal) || l.Contains(": error ", StringComparison.Ordinal)).Distinct().ToArray();
        Assert.True(diagnostics.Length == 0, Path.GetFileName(project) + " built with:\n" + string.Join('\n', diagnostics));
        return Path.Combine(Path.GetDirectoryName(project)!, "bin", "Release");
    }

    private static string Git(string folder, params string[] arguments)
    {
        ProcessResult git = ProcessRunner.Run("git", arguments, TimeSpan.FromMinutes(1), folder);
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', arguments)}: {git.StandardError}");
        return git.StandardOutput;
    }
}
