namespace TftpNano.Tests.Support;

/// <summary>
/// Finds the repository the tests were built from.
/// </summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "TftpNano.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("TftpNano.sln not found above " + AppContext.BaseDirectory);
    }
}
