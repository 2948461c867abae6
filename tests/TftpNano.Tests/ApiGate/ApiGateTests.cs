using TftpNano.Tests.Support;

namespace TftpNano.Tests.ApiGate;

/// <summary>
/// The device sources stay within nanoFramework, and the gate that says so catches what it must.
/// </summary>
public class ApiGateTests
{
    private static readonly NanoApiGate Gate = NanoApiGate.Load();

    public static TheoryData<string> DeviceFolders => new(Path.Combine("src", "TftpNano"));

    [Theory]
    [MemberData(nameof(DeviceFolders))]
    public void DeviceSourcesUseOnlyTheNanoFrameworkApi(string folder)
    {
        string path = Path.Combine(RepositoryPaths.Root, folder);
        Assert.NotEmpty(Directory.GetFiles(path, "*.cs", SearchOption.AllDirectories));
        IReadOnlyList<ApiViolation> violations = Gate.CheckFolder(path);
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    // The test framework's attributes the device tests use: named in the pinned packages' table, not on the member list.
    private static readonly string[] TestFrameworkAttributes =
    [
        "T:nanoFramework.TestFramework.TestClassAttribute", "M:nanoFramework.TestFramework.TestClassAttribute.#ctor",
        "T:nanoFramework.TestFramework.TestMethodAttribute", "M:nanoFramework.TestFramework.TestMethodAttribute.#ctor",
    ];

    private static string Folder(params string[] parts) => Path.Combine([RepositoryPaths.Root, .. parts]);

    // The core as context for the projects built on it, without its assembly attributes.
    private static IEnumerable<(string Path, string Text)> CoreSources =>
        NanoApiGate.SourcesIn(Folder("src", "TftpNano")).Where(s => !s.Path.StartsWith("Properties", StringComparison.Ordinal));

    private static IEnumerable<(string Path, string Text)> NanoOnlyMembers =>
        NanoApiGate.SourcesIn(Path.Combine(AppContext.BaseDirectory, "ApiGate", "NanoOnly"));

    private static IEnumerable<(string Path, string Text)> TestFrameworkStandIn =>
        [(TestFrameworkFile, File.ReadAllText(TestFrameworkFile))];

    private static string TestFrameworkFile => Folder("tests", "TftpNano.Device.Tests.Host", "TestFramework.cs");

    [Fact]
    public void TheBootAppUsesOnlyTheNanoFrameworkApi()
    {
        IReadOnlyList<ApiViolation> violations = Gate.Check(NanoApiGate.SourcesIn(Folder("src", "TftpNano.Device")),
            CoreSources.Concat(NanoOnlyMembers));
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void TheDeviceTestsUseOnlyTheNanoFrameworkApi()
    {
        IReadOnlyList<ApiViolation> violations = Gate.Check(NanoApiGate.SourcesIn(Folder("tests", "TftpNano.Device.Tests")),
            CoreSources.Concat(TestFrameworkStandIn));
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void StandInsDeclareOnlyListedMembers()
    {
        Assert.NotEmpty(NanoOnlyMembers);
        IReadOnlyList<ApiViolation> violations = [.. Gate.CheckDeclarations(NanoOnlyMembers), .. Gate.CheckDeclarations(TestFrameworkStandIn, TestFrameworkAttributes)];
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void AStandInCannotWidenTheApi()
    {
        const string invented = "namespace nanoFramework.Networking { public static class WifiNetworkHelper { public static bool ConnectAnywhere() { return true; } } }";
        IReadOnlyList<ApiViolation> violations = Gate.CheckDeclarations([("Invented.cs", invented)]);
        Assert.Contains(violations, v => v.Message.Contains("M:nanoFramework.Networking.WifiNetworkHelper.ConnectAnywhere", StringComparison.Ordinal));
    }

    [Fact]
    public void TheListIsTheOneShippedWithTheGate()
    {
        string[] lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "ApiGate", "nanoframework-api.txt"));
        Assert.True(lines.Length > 2000);
        Assert.Contains("M:System.Net.Sockets.Socket.Close", lines);
        Assert.DoesNotContain("M:System.Net.Sockets.Socket.Dispose", lines);
    }

    // Each planted snippet sits in a method body at line 7 of its file (see Planted).
    public static TheoryData<string, string, string> PlantedViolations => new()
    {
        { "generic collection", "var list = new System.Collections.Generic.List<int>();", "List" },
        { "span", "System.Span<byte> span = new byte[4];", "Span" },
        { "socket dispose", "new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp).Dispose();", "M:System.Net.Sockets.Socket.Dispose" },
        { "async lambda", "System.Threading.ThreadStart start = async () => { };", "async" },
        { "linq call", "var any = System.Linq.Enumerable.Any(new int[0]);", "System.Linq.Enumerable" },
        { "linq extension", "int[] a = new int[0]; var c = System.Linq.Enumerable.Count(a);", "System.Linq.Enumerable.Count" },
        { "tuple", "var pair = (1, 2);", "tuples" },
        { "multidimensional array", "var grid = new int[2, 3];", "multidimensional" },
        { "format overload", "var s = string.Format(\"{0}\", 1);", "nanoFramework has M:System.String.Format(System.String,System.Object[])" },
        { "interpolation", "int n = 1; var s = $\"{n}\";", "interpolation" },
        { "missing member", "var t = System.DateTime.Now;", "P:System.DateTime.Now" },
        { "missing type", "var sha = System.Security.Cryptography.SHA256.Create();", "SHA256" },
        { "generic delegate", "System.Action<int> a = null;", "Action" },
        { "language above 7.3", "object o = 1; var r = o switch { int i => i, _ => 0 };", "C# 7.3" },
    };

    [Theory]
    [MemberData(nameof(PlantedViolations))]
    public void PlantedViolationsAreReportedWithFileAndLine(string what, string statement, string expected)
    {
        IReadOnlyList<ApiViolation> violations = Gate.Check([Planted(statement)]);
        Assert.True(violations.Any(v => v.File == "Planted.cs" && v.Line == 7 && v.Message.Contains(expected, StringComparison.Ordinal)),
            $"{what}: expected '{expected}' at Planted.cs(7), got:{Environment.NewLine}{string.Join(Environment.NewLine, violations)}");
    }

    [Fact]
    public void AsyncMethodsAndGenericDeclarationsAreReported()
    {
        const string source = """
            namespace Planted
            {
                public class Box<T>
                {
                    public void Put<TItem>(TItem item) { }
                    public async void Wait() { }
                }
            }
            """;
        IReadOnlyList<ApiViolation> violations = Gate.Check([("Planted.cs", source)]);
        Assert.Contains(violations, v => v.Line == 3 && v.Message.StartsWith("generic declarations", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Line == 5 && v.Message.StartsWith("generic declarations", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Line == 6 && v.Message.StartsWith("async methods", StringComparison.Ordinal));
    }

    [Fact]
    public void CodeThatSpellsOutTheNanoFrameworkOverloadPasses()
    {
        IReadOnlyList<ApiViolation> violations = Gate.Check([
            Planted("var s = string.Format(\"{0}\", new object[] { 1 }); var socket = new System.Net.Sockets.Socket("
                + "System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp); "
                + "socket.Close(); var h = \"abc\".GetHashCode(); var list = new System.Collections.ArrayList(); list.Add(s);"),
        ]);
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    private static (string, string) Planted(string statement) => ("Planted.cs", $$"""
        namespace Planted
        {
            public class Planted
            {
                public void Run()
                {
                    {{statement}}
                }
            }
        }
        """);
}
