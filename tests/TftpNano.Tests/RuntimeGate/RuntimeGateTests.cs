using TftpNano.Tests.Support;

namespace TftpNano.Tests.RuntimeGate;

/// <summary>
/// The device sources use nothing that nanoFramework compiles but cannot run, and the gate that says so
/// catches what it must.
/// </summary>
public class RuntimeGateTests
{
    private static string Folder(params string[] parts) => Path.Combine([RepositoryPaths.Root, .. parts]);

    private static IEnumerable<(string Path, string Text)> CoreSources => NanoRuntimeGate.SourcesIn(Folder("src", "TftpNano"));

    // Every folder of code that runs on the device, with what it builds on.
    public static TheoryData<string> DeviceFolders => new()
    {
        "src/TftpNano",
        "src/TftpNano.Device",
        "tests/TftpNano.Device.Tests",
    };

    [Theory]
    [MemberData(nameof(DeviceFolders))]
    public void DeviceCodeRunsAsWrittenOnNanoFramework(string folder)
    {
        IEnumerable<(string Path, string Text)> sources = NanoRuntimeGate.SourcesIn(Folder(folder.Split('/')));
        Assert.NotEmpty(sources);
        IReadOnlyList<RuntimeViolation> violations = NanoRuntimeGate.Check(sources, folder == "src/TftpNano" ? null : CoreSources);
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    // Each planted snippet sits in a method body at line 9 of its file (see Planted); each was seen to
    // compile with nanoFramework's toolchain and to fail in its interpreter, or is async.
    public static TheoryData<string, string, string> PlantedViolations => new()
    {
        { "generic collection", "var list = new System.Collections.Generic.List<int>();", "List<int>" },
        { "generic delegate", "System.Func<int, int> f = null;", "Func<int, int>" },
        { "generic method call", "var e = System.Array.Empty<int>();", "Empty<int>" },
        { "async lambda", "System.Threading.ThreadStart start = async () => { };", "async lambdas" },
        { "multidimensional array", "var grid = new int[2, 3];", "multidimensional" },
        { "enum ToString", "string s = Colour.Green.ToString();", "Colour.ToString() gives the member's number" },
        { "enum joined to a string", "string s = \"colour \" + Colour.Green;", "prints its number" },
        { "enum field by name", "var f = typeof(Colour).GetField(\"Green\");", "cannot be found by reflection" },
        { "enum names", "var n = System.Enum.GetNames(typeof(Colour));", "Enum.GetNames" },
    };

    [Theory]
    [MemberData(nameof(PlantedViolations))]
    public void PlantedViolationsAreReportedWithFileAndLine(string what, string statement, string expected)
    {
        IReadOnlyList<RuntimeViolation> violations = NanoRuntimeGate.Check([Planted(statement)]);
        Assert.True(violations.Any(v => v.File == "Planted.cs" && v.Line == 9 && v.Message.Contains(expected, StringComparison.Ordinal)),
            $"{what}: expected '{expected}' at Planted.cs(9), got:{Environment.NewLine}{string.Join(Environment.NewLine, violations)}");
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
        IReadOnlyList<RuntimeViolation> violations = NanoRuntimeGate.Check([("Planted.cs", source)]);
        Assert.Contains(violations, v => v.Line == 3 && v.Message.StartsWith("a generic declaration", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Line == 5 && v.Message.StartsWith("a generic declaration", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Line == 6 && v.Message.StartsWith("async methods", StringComparison.Ordinal));
    }

    [Fact]
    public void WhatRunsOnNanoFrameworkPasses()
    {
        // Interpolation, string.Format, an enum's number, an enum compared, non-generic delegates and
        // collections: each seen to run in the interpreter.
        IReadOnlyList<RuntimeViolation> violations = NanoRuntimeGate.Check([
            Planted("int n = 3; string s = $\"n={n}\" + string.Format(\"{0}\", 1) + ((int)Colour.Green).ToString(); "
                + "bool green = Colour.Green == Colour.Red; System.Threading.ThreadStart start = delegate { }; "
                + "var list = new System.Collections.ArrayList(); list.Add(s); int[][] jagged = new int[2][];"),
        ]);
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    private static (string, string) Planted(string statement) => ("Planted.cs", $$"""
        namespace Planted
        {
            public enum Colour { Red, Green }

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
