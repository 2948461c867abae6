using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TftpNano.Tests.RuntimeGate;

/// <summary>One place where device code compiles for nanoFramework but would not run there as written.</summary>
/// <param name="File">The source file.</param>
/// <param name="Line">The 1-based line.</param>
/// <param name="Message">What is wrong there.</param>
public sealed record RuntimeViolation(string File, int Line, string Message)
{
    public override string ToString() => $"{File}({Line}): {Message}";
}

/// <summary>
/// Finds what nanoFramework's own compiler accepts and its interpreter cannot run: the one thing the
/// real build (<c>nf-build</c>, run by the host suite) cannot see.
/// </summary>
/// <remarks>
/// Each rule was seen in nanoCLR, built from nf-interpreter, with code the real toolchain compiled
/// without a warning: a generic type or method declaration and a multidimensional array crash the
/// interpreter; a generic type such as <c>System.Func&lt;int, int&gt;</c> throws when it is loaded; async
/// needs types nanoFramework 1.x does not have; and the MetadataProcessor leaves the names of enum
/// members out of the <c>.pe</c>, so an enum's <c>ToString()</c> gives its number and <c>GetField</c> on an
/// enum finds nothing. Whether an API exists is the real build's to say, so sources are compiled here
/// against desktop .NET only to learn their types, and compiler errors are not reported.
/// </remarks>
public static class NanoRuntimeGate
{
    /// <summary>The C# files below a folder as (path, text), leaving out build output.</summary>
    public static IEnumerable<(string Path, string Text)> SourcesIn(string folder) =>
        Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(folder, f).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .Select(f => (Path.GetRelativePath(folder, f), File.ReadAllText(f)));

    /// <summary>
    /// Checks sources given as (path, text); <paramref name="context"/> is compiled with them, for its
    /// types, but not checked.
    /// </summary>
    public static IReadOnlyList<RuntimeViolation> Check(IEnumerable<(string Path, string Text)> sources,
        IEnumerable<(string Path, string Text)>? context = null)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.CSharp7_3);
        SyntaxTree[] trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, parseOptions, s.Path)).ToArray();
        SyntaxTree[] contextTrees = (context ?? []).Select(s => CSharpSyntaxTree.ParseText(s.Text, parseOptions, s.Path)).ToArray();
        var compilation = CSharpCompilation.Create("DeviceCode", [.. trees, .. contextTrees], DesktopReferences.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

        var violations = new List<RuntimeViolation>();
        foreach (SyntaxTree tree in trees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
            {
                string? problem = Problem(node, model);
                if (problem is not null)
                {
                    FileLinePositionSpan span = node.GetLocation().GetLineSpan();
                    violations.Add(new RuntimeViolation(span.Path, span.StartLinePosition.Line + 1, problem));
                }
            }
        }

        return violations.Distinct().OrderBy(v => v.File, StringComparer.Ordinal).ThenBy(v => v.Line).ToList();
    }

    private static string? Problem(SyntaxNode node, SemanticModel model) => node switch
    {
        TypeParameterListSyntax => "a generic declaration crashes nanoFramework's interpreter",
        GenericNameSyntax g => $"the generic type or method '{g}' cannot be loaded by nanoFramework's interpreter",
        ArrayRankSpecifierSyntax r when r.Rank > 1 => "a multidimensional array crashes nanoFramework's interpreter; use a jagged array",
        AwaitExpressionSyntax => "await does not exist on nanoFramework 1.x",
        MethodDeclarationSyntax m when m.Modifiers.Any(SyntaxKind.AsyncKeyword) => "async methods do not exist on nanoFramework 1.x",
        AnonymousFunctionExpressionSyntax f when f.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword) => "async lambdas do not exist on nanoFramework 1.x",
        InvocationExpressionSyntax call => EnumNameProblem(call, model),
        BinaryExpressionSyntax concat when concat.IsKind(SyntaxKind.AddExpression) => EnumConcatenationProblem(concat, model),
        _ => null,
    };

    // The names of enum members are not in a .pe: whatever would print or find one by name finds a
    // number or nothing on the device, while the host finds the name.
    private static string? EnumNameProblem(InvocationExpressionSyntax call, SemanticModel model)
    {
        if (call.Expression is not MemberAccessExpressionSyntax access)
        {
            return null;
        }

        string name = access.Name.Identifier.ValueText;
        ITypeSymbol? receiver = model.GetTypeInfo(access.Expression).Type;
        if (name == "ToString" && receiver?.TypeKind == TypeKind.Enum)
        {
            return $"{receiver.Name}.ToString() gives the member's number on nanoFramework, not its name";
        }

        if (name is "GetField" or "GetFields" && access.Expression is TypeOfExpressionSyntax type
            && model.GetTypeInfo(type.Type).Type?.TypeKind == TypeKind.Enum)
        {
            return "an enum's members cannot be found by reflection on nanoFramework: their names are not in the .pe";
        }

        if (model.GetSymbolInfo(call).Symbol is IMethodSymbol { ContainingType.SpecialType: SpecialType.System_Enum } method
            && method.Name is "GetName" or "GetNames" or "Parse" or "TryParse" or "IsDefined")
        {
            return $"Enum.{method.Name} needs the names of enum members, which a .pe does not keep";
        }

        return null;
    }

    private static string? EnumConcatenationProblem(BinaryExpressionSyntax concat, SemanticModel model)
    {
        if (model.GetTypeInfo(concat).Type?.SpecialType != SpecialType.System_String)
        {
            return null;
        }

        foreach (ExpressionSyntax side in new[] { concat.Left, concat.Right })
        {
            if (model.GetTypeInfo(side).Type?.TypeKind == TypeKind.Enum)
            {
                return "an enum joined to a string prints its number on nanoFramework, not its name";
            }
        }

        return null;
    }

    private static readonly Lazy<ImmutableArray<MetadataReference>> DesktopReferences = new(() =>
    {
        string runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return Directory.EnumerateFiles(runtime, "*.dll")
            .Where(IsManagedAssembly)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    });

    private static bool IsManagedAssembly(string path)
    {
        try
        {
            System.Reflection.AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
