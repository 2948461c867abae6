using System.Collections.Concurrent;

namespace TftpNano.Tests.Support;

/// <summary>
/// The repository's nanoFramework projects built with the kit's <c>nf-build</c>, once per configuration
/// and test run, in a copy of the sources: nf-build writes <c>bin/</c>, <c>obj/</c> and <c>packages/</c>
/// into the tree, and the desktop build of the same folder must not see them.
/// </summary>
internal sealed class DeviceBuild
{
    /// <summary>Every nanoFramework project of the repository, relative to its root.</summary>
    public static readonly string[] Projects =
    [
        "src/TftpNano/TftpNano.nfproj",
        "src/TftpNano.Device/TftpNano.Device.nfproj",
        "tests/TftpNano.Device.Tests/TftpNano.Device.Tests.nfproj",
        "tests/DeviceApps/Blinky/Blinky.nfproj",
        "tests/DeviceApps/Provisioner/Provisioner.nfproj",
        "tests/DeviceApps/Inspector/Inspector.nfproj",
        "samples/Heartbeat/Heartbeat.nfproj",
        "bench/DeviceCosts/DeviceCosts.nfproj",
    ];

    private static readonly ConcurrentDictionary<string, Lazy<DeviceBuild>> Builds = new();

    private readonly Dictionary<string, ProcessResult> _results = [];

    private DeviceBuild(string configuration)
    {
        Configuration = configuration;
        Root = Directory.CreateTempSubdirectory($"tftpnano-nf-{configuration}-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Delete(Root);
        CopySources(RepositoryPaths.Root, Root);
        foreach (string project in Projects)
        {
            _results[project] = ProcessRunner.Run(NanoKit.Tool("nf-build"), ["-c", configuration, project], TimeSpan.FromMinutes(5), Root);
        }
    }

    /// <summary>Debug or Release.</summary>
    public string Configuration { get; }

    /// <summary>The copy of the repository the projects were built in.</summary>
    public string Root { get; }

    /// <summary>The projects built in one configuration; built on first use.</summary>
    public static DeviceBuild Of(string configuration) =>
        Builds.GetOrAdd(configuration, c => new Lazy<DeviceBuild>(() => new DeviceBuild(c))).Value;

    /// <summary>What nf-build printed and returned for a project.</summary>
    public ProcessResult Result(string project) => _results[project];

    /// <summary>The folder nf-build left a project's deployment in: its .pe and those it needs.</summary>
    public string OutputFolder(string project) =>
        Path.Combine(Root, Path.GetDirectoryName(project)!, "bin", Configuration);

    /// <summary>The compiler's and MSBuild's error and warning lines for a project, each once.</summary>
    public string[] Diagnostics(string project)
    {
        ProcessResult result = Result(project);
        return (result.StandardOutput + "\n" + result.StandardError)
            .Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Contains(": error ", StringComparison.Ordinal) || l.Contains(": warning ", StringComparison.Ordinal)
                || l.StartsWith("nf-build:", StringComparison.Ordinal))
            .Select(l => l.Replace(Root + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal))
            .Distinct()
            .ToArray();
    }

    private static void Delete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    // The sources as a fresh clone has them: no build output of either tool chain.
    private static void CopySources(string from, string to)
    {
        foreach (string top in new[] { "src", "tests", "samples", "bench" })
        {
            FolderCopy.Sources(Path.Combine(from, top), Path.Combine(to, top));
        }
    }
}
