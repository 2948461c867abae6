using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TftpNano.Tests.ApiGate;

/// <summary>One place where device code leaves what nanoFramework offers.</summary>
/// <param name="File">The source file.</param>
/// <param name="Line">The 1-based line.</param>
/// <param name="Message">What is wrong there.</param>
public sealed record ApiViolation(string File, int Line, string Message)
{
    public override string ToString() => $"{File}({Line}): {Message}";
}

/// <summary>
/// Compiles device sources against desktop .NET with Roslyn and checks every type and member they
/// reference against the nanoFramework API list, plus the language features nanoFramework lacks.
/// </summary>
/// <remarks>
/// <para>
/// Overloads: desktop .NET has overloads that nanoFramework lacks, so the same call can bind
/// differently on each (<c>string.Format("{0}", x)</c> binds <c>Format(String, Object)</c> here and
/// <c>Format(String, Object[])</c> there). The gate is strict: the exact member the desktop compiler
/// binds must be on the list, and when it is not, the message names the overloads nanoFramework does
/// have. Device code then spells the call so that both compilers bind the same member
/// (<c>string.Format("{0}", new object[] { x })</c>), and what is tested on the host is what runs on
/// the device.
/// </para>
/// <para>
/// An override that nanoFramework does not declare separately (<c>String.GetHashCode</c>) is accepted
/// when a member it overrides is on the list: the call compiles there and dispatches the same way.
/// </para>
/// </remarks>
public sealed class NanoApiGate
{
    private readonly HashSet<string> _api;
    private readonly ILookup<string, string> _apiByName;

    public NanoApiGate(IEnumerable<string> apiLines)
    {
        _api = new HashSet<string>(apiLines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')), StringComparer.Ordinal);
        _apiByName = _api.ToLookup(NameWithoutParameters, StringComparer.Ordinal);
    }

    /// <summary>Loads the list shipped next to the gate.</summary>
    public static NanoApiGate Load() =>
        new(File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "ApiGate", "nanoframework-api.txt")));

    /// <summary>The C# files below a folder as (path, text), leaving out build output.</summary>
    public static IEnumerable<(string Path, string Text)> SourcesIn(string folder) =>
        Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(folder, f).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .Select(f => (Path.GetRelativePath(folder, f), File.ReadAllText(f)));

    /// <summary>Checks the C# files below a folder, leaving out build output.</summary>
    public IReadOnlyList<ApiViolation> CheckFolder(string folder) => Check(SourcesIn(folder));

    /// <summary>
    /// Checks sources given as (path, text). <paramref name="context"/> is compiled with them but not
    /// checked: code they build on that is checked on its own (the core), or declarations of
    /// nanoFramework-only members that <see cref="CheckDeclarations"/> holds to the list.
    /// </summary>
    public IReadOnlyList<ApiViolation> Check(IEnumerable<(string Path, string Text)> sources,
        IEnumerable<(string Path, string Text)>? context = null)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.CSharp7_3);
        SyntaxTree[] trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, parseOptions, s.Path)).ToArray();
        SyntaxTree[] contextTrees = (context ?? []).Select(s => CSharpSyntaxTree.ParseText(s.Text, parseOptions, s.Path)).ToArray();
        var compilation = CSharpCompilation.Create("DeviceCode", [.. trees, .. contextTrees], DesktopReferences.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: false));

        var violations = new List<ApiViolation>();
        foreach (Diagnostic error in compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error))
        {
            violations.Add(At(error.Location, "does not compile as C# 7.3: " + error.GetMessage()));
        }

        foreach (SyntaxTree tree in trees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
            {
                CheckLanguage(node, violations);
                CheckSymbols(model, node, compilation.Assembly, violations);
            }
        }

        return violations.Distinct().OrderBy(v => v.File, StringComparer.Ordinal).ThenBy(v => v.Line).ToList();
    }

    /// <summary>
    /// Checks that every public or protected type and member that stand-in sources declare is on the
    /// list (or among <paramref name="allowed"/>), so that stand-ins cannot widen what device code may use.
    /// </summary>
    public IReadOnlyList<ApiViolation> CheckDeclarations(IEnumerable<(string Path, string Text)> sources, IEnumerable<string>? allowed = null)
    {
        var extra = new HashSet<string>(allowed ?? [], StringComparer.Ordinal);
        SyntaxTree[] trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, new CSharpParseOptions(LanguageVersion.CSharp7_3), s.Path)).ToArray();
        var compilation = CSharpCompilation.Create("StandIns", trees, DesktopReferences.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var violations = new List<ApiViolation>();
        foreach (SyntaxTree tree in trees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes().Where(n => n is MemberDeclarationSyntax or EnumMemberDeclarationSyntax or VariableDeclaratorSyntax))
            {
                if (model.GetDeclaredSymbol(node) is not { } symbol || symbol is INamespaceSymbol || !IsVisibleOutside(symbol))
                {
                    continue;
                }

                string? id = symbol.GetDocumentationCommentId();
                if (id is not null && !_api.Contains(id) && !extra.Contains(id))
                {
                    violations.Add(At(node.GetLocation(), $"declares {id}, which is not on the nanoFramework API list"));
                }
            }
        }

        return violations;
    }

    private static bool IsVisibleOutside(ISymbol symbol)
    {
        for (ISymbol? current = symbol; current is not null and not INamespaceSymbol; current = current.ContainingSymbol)
        {
            if (current.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Protected))
            {
                return false;
            }
        }

        return true;
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

    private static ApiViolation At(Location location, string message)
    {
        FileLinePositionSpan span = location.GetLineSpan();
        return new ApiViolation(span.Path, span.StartLinePosition.Line + 1, message);
    }

    private static void CheckLanguage(SyntaxNode node, List<ApiViolation> violations)
    {
        string? problem = node switch
        {
            TypeParameterListSyntax => "generic declarations do not exist on nanoFramework",
            GenericNameSyntax g => $"generic type or method '{g}' does not exist on nanoFramework",
            AwaitExpressionSyntax => "await is not supported on nanoFramework",
            MethodDeclarationSyntax m when m.Modifiers.Any(SyntaxKind.AsyncKeyword) => "async methods are not supported on nanoFramework",
            AnonymousFunctionExpressionSyntax f when f.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword) => "async lambdas are not supported on nanoFramework",
            QueryExpressionSyntax => "LINQ is not available on nanoFramework",
            TupleTypeSyntax or TupleExpressionSyntax => "tuples are not supported on nanoFramework",
            ArrayRankSpecifierSyntax r when r.Rank > 1 => "multidimensional arrays are not supported on nanoFramework; use jagged arrays",
            InterpolatedStringExpressionSyntax => "string interpolation binds String.Format overloads nanoFramework lacks; concatenate or pass an object[]",
            StackAllocArrayCreationExpressionSyntax => "stackalloc is not supported on nanoFramework",
            RecordDeclarationSyntax => "records are not supported on nanoFramework",
            AccessorDeclarationSyntax a when a.IsKind(SyntaxKind.InitAccessorDeclaration) => "init accessors are not supported on nanoFramework",
            _ => null,
        };
        if (problem is not null)
        {
            violations.Add(At(node.GetLocation(), problem));
        }
    }

    private void CheckSymbols(SemanticModel model, SyntaxNode node, IAssemblySymbol own, List<ApiViolation> violations)
    {
        var symbols = new List<ISymbol?>();
        switch (node)
        {
            case ExpressionSyntax or ConstructorInitializerSyntax or AttributeSyntax:
                SymbolInfo info = model.GetSymbolInfo(node);
                symbols.Add(info.Symbol);
                symbols.AddRange(info.CandidateSymbols);
                if (node is ExpressionSyntax expression)
                {
                    TypeInfo type = model.GetTypeInfo(expression);
                    symbols.Add(type.Type);
                    symbols.Add(type.ConvertedType);
                }

                break;
            case CommonForEachStatementSyntax loop:
                ForEachStatementInfo each = model.GetForEachStatementInfo(loop);
                symbols.AddRange([each.GetEnumeratorMethod, each.MoveNextMethod, each.CurrentProperty, each.DisposeMethod]);
                break;
        }

        foreach (ISymbol symbol in symbols.OfType<ISymbol>())
        {
            string? problem = Check(symbol, own);
            if (problem is not null)
            {
                violations.Add(At(node.GetLocation(), problem));
            }
        }
    }

    private string? Check(ISymbol symbol, IAssemblySymbol own)
    {
        switch (symbol)
        {
            case IArrayTypeSymbol array:
                return Check(array.ElementType, own);
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol or IDynamicTypeSymbol:
                return $"'{symbol}' is not supported on nanoFramework";
            case INamespaceSymbol or ITypeParameterSymbol or ILocalSymbol or IParameterSymbol or ILabelSymbol
                or IRangeVariableSymbol or IDiscardSymbol or IAliasSymbol or IErrorTypeSymbol:
                return null;
            case IMethodSymbol { MethodKind: MethodKind.BuiltinOperator or MethodKind.LocalFunction or MethodKind.AnonymousFunction }:
                return null;
        }

        if (SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, own) || symbol.ContainingAssembly is null)
        {
            return null;
        }

        if (symbol is IMethodSymbol { ReducedFrom: { } extension })
        {
            symbol = extension;
        }

        ISymbol definition = symbol.OriginalDefinition;
        string? id = definition.GetDocumentationCommentId();
        if (id is null || _api.Contains(id) || OverridesListedMember(definition))
        {
            return null;
        }

        string[] alternatives = _apiByName[NameWithoutParameters(id)].Where(a => a[0] == id[0]).Order(StringComparer.Ordinal).ToArray();
        return alternatives.Length == 0
            ? $"{id} is not on the nanoFramework API list"
            : $"{id} is not on the nanoFramework API list; nanoFramework has {string.Join(", ", alternatives)}";
    }

    private bool OverridesListedMember(ISymbol definition)
    {
        for (ISymbol? current = Overridden(definition); current is not null; current = Overridden(current))
        {
            if (current.OriginalDefinition.GetDocumentationCommentId() is { } id && _api.Contains(id))
            {
                return true;
            }
        }

        return false;
    }

    private static ISymbol? Overridden(ISymbol symbol) => symbol switch
    {
        IMethodSymbol m => m.OverriddenMethod,
        IPropertySymbol p => p.OverriddenProperty,
        IEventSymbol e => e.OverriddenEvent,
        _ => null,
    };

    private static string NameWithoutParameters(string id)
    {
        int parenthesis = id.IndexOf('(');
        return parenthesis < 0 ? id : id[..parenthesis];
    }
}
