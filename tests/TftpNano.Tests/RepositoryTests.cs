using TftpNano.Tests.Support;

namespace TftpNano.Tests;

/// <summary>
/// The README's two commands are the ones the project runs.
/// </summary>
public class RepositoryTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));

    [Fact]
    public void CiRunsTheReadmeTestCommand()
    {
        string testCommand = CommandAfter("Run the tests:");
        string[] ciLines = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, ".ci", "run"));
        Assert.Equal(testCommand, ciLines.Last(l => l.Trim().Length > 0));
        Assert.StartsWith("dotnet test ", testCommand);
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, testCommand["dotnet test ".Length..])));
    }

    [Fact]
    public void TheMainJobIsTheDemo()
    {
        Assert.Equal("dotnet run --project src/TftpNano.Cli -- demo", CommandAfter("Run the main job"));
    }

    private static string CommandAfter(string heading)
    {
        int start = Readme.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README has no '{heading}'");
        int fence = Readme.IndexOf("```sh\n", start, StringComparison.Ordinal) + "```sh\n".Length;
        return Readme[fence..Readme.IndexOf('\n', fence)];
    }
}
