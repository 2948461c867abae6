using System.IO.Compression;
using System.Xml.Linq;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.Cli;

/// <summary>
/// The host tool as a .NET tool package, the way the README installs it: packed with its readme,
/// license and repository, installed from a local folder, and run.
/// </summary>
public sealed class ToolPackageTests : IDisposable
{
    private readonly Workspace _workspace = new();

    /// <summary>Where the test's clone says it comes from: a reserved name, never contacted.</summary>
    private const string Origin = "https://example.invalid/tftpnano.git";

    [Fact]
    public void PacksWithItsReadmeLicenseAndRepositoryAndInstallsFromALocalFolder()
    {
        // Packed from a copy of the sources, so that its build leaves the tree the tests run from alone,
        // made a clone with an origin as a published repository's clone would be.
        string copy = _workspace.Folder("source");
        foreach (string project in new[] { "src/TftpNano", "src/TftpNano.Host", "src/TftpNano.Cli" })
        {
            FolderCopy.Sources(Path.Combine(RepositoryPaths.Root, project), Path.Combine(copy, project));
        }

        foreach (string file in new[] { "README.md", "LICENSE", "nuget.config" })
        {
            File.Copy(Path.Combine(RepositoryPaths.Root, file), Path.Combine(copy, file));
        }

        Git(copy, "init", "--quiet");
        Git(copy, "add", "--all");
        Git(copy, "-c", "user.name=TftpNano", "-c", "user.email=tests@example.invalid", "commit", "--quiet", "--message", "sources");
        Git(copy, "remote", "add", "origin", Origin);
        string commit = Git(copy, "rev-parse", "HEAD").Trim();

        string packages = _workspace.Folder("pkg");
        string tools = _workspace.Folder("tools");
        ProcessResult pack = ProcessRunner.Run("dotnet", ["pack", Path.Combine(copy, "src", "TftpNano.Cli"), "-o", packages], TimeSpan.FromMinutes(5), copy);
        Assert.True(pack.ExitCode == 0, pack.StandardOutput + pack.StandardError);
        string package = Assert.Single(Directory.GetFiles(packages, "TftpNano.Tool.*.nupkg"));
        using (ZipArchive zip = ZipFile.OpenRead(package))
        {
            Assert.Contains(zip.Entries, e => e.FullName == "README.md");
            Assert.Contains(zip.Entries, e => e.FullName.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal));

            ZipArchiveEntry nuspec = Assert.Single(zip.Entries, e => e.FullName == "TftpNano.Tool.nuspec");
            XElement metadata;
            using (Stream stream = nuspec.Open())
            {
                metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            }

            XElement license = metadata.Elements().Single(e => e.Name.LocalName == "license");
            Assert.Equal("expression", (string?)license.Attribute("type"));
            Assert.Equal(LicenseOfTheRepository(), license.Value);

            XElement repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
            Assert.Equal("git", (string?)repository.Attribute("type"));
            Assert.Equal(Origin, (string?)repository.Attribute("url"));
            Assert.Equal(commit, (string?)repository.Attribute("commit"));
        }

        ProcessResult install = ProcessRunner.Run("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", packages, "TftpNano.Tool"], TimeSpan.FromMinutes(3));
        Assert.True(install.ExitCode == 0, install.StandardOutput + install.StandardError);
        ProcessResult run = ProcessRunner.Run(Path.Combine(tools, "tftpnano"), ["check-config", Path.Combine(RepositoryPaths.Root, "boards", "esp32-devkitc", "tftpnano.conf")],
            TimeSpan.FromMinutes(1));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("publickey is empty", run.StandardOutput);
    }

    /// <summary>
    /// The SPDX identifier the LICENSE file's title gives ("MIT License" is MIT), so that the package
    /// can never declare another license than the repository grants.
    /// </summary>
    private static string LicenseOfTheRepository()
    {
        string title = File.ReadLines(Path.Combine(RepositoryPaths.Root, "LICENSE")).First().Trim();
        Assert.EndsWith(" License", title, StringComparison.Ordinal);
        return title[..^" License".Length];
    }

    private static string Git(string folder, params string[] arguments)
    {
        ProcessResult git = ProcessRunner.Run("git", arguments, TimeSpan.FromMinutes(1), folder);
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', arguments)}: {git.StandardError}");
        return git.StandardOutput;
    }

    public void Dispose() => _workspace.Dispose();
}
