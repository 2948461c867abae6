using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.DeviceProjects;

/// <summary>
/// The device projects as nanoFramework's own toolchain and interpreter see them: built with the
/// kit's nf-build without an error or a warning, and the device test project passing in nanoCLR with
/// the heap of an ESP32 without PSRAM.
/// </summary>
public partial class DeviceBuildTests
{
    private static readonly XNamespace MsBuild = "http://schemas.microsoft.com/developer/msbuild/2003";

    public static TheoryData<string, string> ProjectsInEachConfiguration
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string configuration in new[] { "Release", "Debug" })
            {
                foreach (string project in DeviceBuild.Projects)
                {
                    data.Add(configuration, project);
                }
            }

            return data;
        }
    }

    [NanoKitTheory]
    [MemberData(nameof(ProjectsInEachConfiguration))]
    public void BuildsWithTheKitWithoutAnErrorOrAWarning(string configuration, string project)
    {
        DeviceBuild build = DeviceBuild.Of(configuration);
        ProcessResult result = build.Result(project);
        string[] diagnostics = build.Diagnostics(project);
        Assert.True(result.ExitCode == 0 && diagnostics.Length == 0,
            $"nf-build -c {configuration} {project} exited {result.ExitCode}:{Environment.NewLine}"
            + string.Join(Environment.NewLine, diagnostics.Length > 0 ? diagnostics : [result.StandardOutput, result.StandardError]));

        string assembly = XDocument.Load(Path.Combine(RepositoryPaths.Root, project)).Descendants(MsBuild + "AssemblyName").Single().Value;
        string pe = Path.Combine(build.OutputFolder(project), assembly + ".pe");
        Assert.True(File.Exists(pe), $"no {pe}");
        Assert.True(File.Exists(Path.Combine(build.OutputFolder(project), "mscorlib.pe")), "the deployment lacks mscorlib.pe");
    }

    [NanoKitFact]
    public void TheDeviceTestsPassInNanoClrWithA96KiBHeap()
    {
        const string project = "tests/TftpNano.Device.Tests/TftpNano.Device.Tests.nfproj";
        DeviceBuild build = DeviceBuild.Of("Release");
        Assert.True(build.Result(project).ExitCode == 0, string.Join(Environment.NewLine, build.Diagnostics(project)));

        ProcessResult run = ProcessRunner.Run(NanoKit.Tool("nf-test"),
            ["--heap", "96K", Path.Combine(build.OutputFolder(project), "NFUnitTest.pe")], TimeSpan.FromMinutes(5));
        string output = run.StandardOutput;
        string[] failed = output.Split('\n').Where(l => l.StartsWith("Test failed", StringComparison.Ordinal)
            || l.StartsWith("nf-test:", StringComparison.Ordinal) || l.Contains("Exception Message", StringComparison.Ordinal)).Distinct().ToArray();
        Assert.True(run.ExitCode == 0 && failed.Length == 0,
            $"nf-test exited {run.ExitCode}:{Environment.NewLine}{string.Join(Environment.NewLine, failed)}{Environment.NewLine}{Tail(output)}");

        // Every [TestMethod] in the sources ran and passed: none was lost on the way to the device.
        int declared = Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "tests", "TftpNano.Device.Tests"), "*.cs", SearchOption.AllDirectories)
            .Sum(f => TestMethodAttribute().Count(DesktopOnlyBlock().Replace(File.ReadAllText(f), string.Empty)));
        Match summary = Summary().Match(output);
        Assert.True(summary.Success, Tail(output));
        Assert.Equal(declared, int.Parse(summary.Groups["passed"].Value));
        Assert.Equal("0", summary.Groups["failed"].Value);
    }

    [NanoKitTheory]
    [MemberData(nameof(DeviceProjectTests.NanoProjects), MemberType = typeof(DeviceProjectTests))]
    public void EveryReferenceNamesTheAssemblyVersionTheKitsPackageCarries(string project)
    {
        XDocument document = XDocument.Load(Path.Combine(RepositoryPaths.Root, project));
        foreach (XElement reference in document.Descendants(MsBuild + "Reference"))
        {
            string hintPath = reference.Element(MsBuild + "HintPath")!.Value.Replace('\\', '/');
            string[] parts = hintPath.Split('/');
            int packages = Array.IndexOf(parts, "packages");
            string file = NanoKit.PackageAssembly(parts[packages + 1], string.Join('/', parts[(packages + 3)..]));
            Assert.True(File.Exists(file), $"{project}: the kit has no {parts[packages + 1]} with {parts[^1]}");
            AssemblyName carried = AssemblyName.GetAssemblyName(file);
            var referenced = new AssemblyName((string)reference.Attribute("Include")!);
            Assert.True(carried.Version == referenced.Version,
                $"{project} references {referenced.Name} {referenced.Version}; the package carries {carried.Version}, so MSBuild would drop the reference");
        }
    }

    [NanoKitFact]
    public void ThePinnedTableIsTheKitsReleaseSet()
    {
        foreach (DeviceProjectTests.PinnedPackage pin in DeviceProjectTests.PinnedPackages().Values)
        {
            string folder = Path.Combine(NanoKit.Require(), "packages", $"{pin.Id}.{pin.Version}");
            Assert.True(Directory.Exists(folder), $"the kit has no {pin.Id} {pin.Version}");
        }
    }

    private static string Tail(string output) => string.Join(Environment.NewLine, output.Split('\n').TakeLast(15));

    [GeneratedRegex(@"^\s*\[TestMethod\]", RegexOptions.Multiline)]
    private static partial Regex TestMethodAttribute();

    // What the device build leaves out: the tests of server-only code, which run in the host suite.
    [GeneratedRegex(@"^#if !NANOFRAMEWORK_1_0$.*?^#endif$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex DesktopOnlyBlock();

    [GeneratedRegex(@"^(?<passed>\d+) passed, (?<failed>\d+) failed", RegexOptions.Multiline)]
    private static partial Regex Summary();
}
