using System.IO.Compression;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.Cli;

/// <summary>
/// The host tool as a .NET tool package, the way the README installs it: packed, installed from a
/// local folder, and run.
/// </summary>
public sealed class ToolPackageTests : IDisposable
{
    private readonly Workspace _workspace = new();

    [Fact]
    public void PacksWithItsReadmeAndInstallsFromALocalFolder()
    {
        // Packed from a copy of the sources, so that its build leaves the tree the tests run from alone.
        string copy = _workspace.Folder("source");
        foreach (string project in new[] { "src/TftpNano", "src/TftpNano.Cli" })
        {
            FolderCopy.Sources(Path.Combine(RepositoryPaths.Root, project), Path.Combine(copy, project));
        }

        foreach (string file in new[] { "README.md", "nuget.config" })
        {
            File.Copy(Path.Combine(RepositoryPaths.Root, file), Path.Combine(copy, file));
        }

        string packages = _workspace.Folder("pkg");
        string tools = _workspace.Folder("tools");
        ProcessResult pack = ProcessRunner.Run("dotnet", ["pack", Path.Combine(copy, "src", "TftpNano.Cli"), "-o", packages], TimeSpan.FromMinutes(5), copy);
        Assert.True(pack.ExitCode == 0, pack.StandardOutput + pack.StandardError);
        string package = Assert.Single(Directory.GetFiles(packages, "TftpNano.Tool.*.nupkg"));
        using (ZipArchive zip = ZipFile.OpenRead(package))
        {
            Assert.Contains(zip.Entries, e => e.FullName == "README.md");
            Assert.Contains(zip.Entries, e => e.FullName.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal));
        }

        ProcessResult install = ProcessRunner.Run("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", packages, "TftpNano.Tool"], TimeSpan.FromMinutes(3));
        Assert.True(install.ExitCode == 0, install.StandardOutput + install.StandardError);
        ProcessResult run = ProcessRunner.Run(Path.Combine(tools, "tftpnano"), ["check-config", Path.Combine(RepositoryPaths.Root, "boards", "esp32-devkitc", "tftpnano.conf")],
            TimeSpan.FromMinutes(1));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("publickey is empty", run.StandardOutput);
    }

    public void Dispose() => _workspace.Dispose();
}
