namespace TftpNano.Tests.Support;

/// <summary>Copies folder trees for the tests: a device's storage as it is, or sources without what builds leave in them.</summary>
internal static class FolderCopy
{
    // What a build or a test run leaves in a source tree, and nothing a copy of the sources needs.
    private static readonly string[] BuildOutput = ["bin", "obj", "packages", "TestResults", ".local"];

    /// <summary>Copies everything below <paramref name="from"/> into <paramref name="to"/>.</summary>
    public static void All(string from, string to) => Copy(from, to, skipBuildOutput: false);

    /// <summary>Copies the sources below <paramref name="from"/>, leaving out build output (bin, obj, packages...).</summary>
    public static void Sources(string from, string to) => Copy(from, to, skipBuildOutput: true);

    private static void Copy(string from, string to, bool skipBuildOutput)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (string folder in Directory.GetDirectories(from))
        {
            string name = Path.GetFileName(folder);
            if (!(skipBuildOutput && BuildOutput.Contains(name)))
            {
                Copy(folder, Path.Combine(to, name), skipBuildOutput);
            }
        }
    }
}
