using TftpNano.Cli.Commands;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.Cli;

/// <summary>
/// <c>docs/cli.md</c> is what the commands' own definitions say: a new option, a changed default or
/// description fails here until the file is written again (<c>TFTPNANO_WRITE_DOCS=1</c>).
/// </summary>
public sealed class CliReferenceTests
{
    [Fact]
    public void TheCliReferenceIsCurrent()
    {
        string path = Path.Combine(RepositoryPaths.Root, "docs", "cli.md");
        string reference = CliCommands.Reference();
        if (Environment.GetEnvironmentVariable("TFTPNANO_WRITE_DOCS") == "1")
        {
            File.WriteAllText(path, reference);
        }

        Assert.True(File.Exists(path), "docs/cli.md is missing: run the tests once with TFTPNANO_WRITE_DOCS=1");
        Assert.Equal(reference, File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryCommandAndOptionIsDocumented()
    {
        string reference = CliCommands.Reference();
        foreach (System.CommandLine.Command command in CliCommands.Root().Subcommands)
        {
            Assert.False(string.IsNullOrWhiteSpace(command.Description), command.Name);
            Assert.Contains($"## `tftpnano {command.Name}", reference, StringComparison.Ordinal);
            Assert.All(command.Options.Where(o => o.Name is not ("--help" or "--version")), o => Assert.False(string.IsNullOrWhiteSpace(o.Description), $"{command.Name} {o.Name}"));
        }
    }
}
