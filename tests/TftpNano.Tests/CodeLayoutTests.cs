using TftpNano.Tests.Support;

namespace TftpNano.Tests;

/// <summary>
/// The core stays in files a reader takes in whole: a file that grows past the limit is split by concern.
/// </summary>
public class CodeLayoutTests
{
    private const int MaxLines = 600;

    [Fact]
    public void NoSourceFileOfTheCoreIsOverSixHundredLines()
    {
        string core = Path.Combine(RepositoryPaths.Root, "src", "TftpNano");
        string[] longFiles = Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories)
            .Where(f => Path.GetRelativePath(core, f).Split(Path.DirectorySeparatorChar)[0] is not ("bin" or "obj"))
            .Select(f => (Path: Path.GetRelativePath(core, f), Lines: File.ReadAllLines(f).Length))
            .Where(f => f.Lines > MaxLines)
            .Select(f => $"{f.Path} ({f.Lines})")
            .ToArray();
        Assert.True(longFiles.Length == 0, "Over " + MaxLines + " lines: " + string.Join(", ", longFiles));
    }
}
