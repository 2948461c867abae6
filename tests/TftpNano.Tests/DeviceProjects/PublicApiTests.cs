using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using TftpNano.Tests.Support;

namespace TftpNano.Tests.DeviceProjects;

/// <summary>
/// The core's public surface, as dotnet/runtime keeps its reference assemblies: listed in
/// <c>src/TftpNano/PublicApi.txt</c>, so that a change to it shows in a diff and is a deliberate one,
/// and each public type either used by the README's application examples or named there as advanced.
/// </summary>
public sealed partial class PublicApiTests
{
    private static readonly string ListingPath = Path.Combine(RepositoryPaths.Root, "src", "TftpNano", "PublicApi.txt");

    [Fact]
    public void ThePublicSurfaceIsTheOneListed()
    {
        string actual = Listing();
        string listed = File.Exists(ListingPath) ? File.ReadAllText(ListingPath).ReplaceLineEndings("\n") : string.Empty;
        if (actual != listed)
        {
            string written = Path.Combine(Path.GetTempPath(), "TftpNano.PublicApi.txt");
            File.WriteAllText(written, actual);
            string[] expectedLines = listed.Split('\n');
            string[] actualLines = actual.Split('\n');
            string added = string.Join('\n', actualLines.Except(expectedLines).Select(l => "+ " + l));
            string removed = string.Join('\n', expectedLines.Except(actualLines).Select(l => "- " + l));
            Assert.Fail($"The public API differs from src/TftpNano/PublicApi.txt. If the change is deliberate, copy {written} over it.\n{removed}\n{added}");
        }
    }

    [Fact]
    public void EveryPublicTypeIsUsedInTheReadmesExamplesOrListedAsAdvanced()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        string section = ReadmeSection(readme, "## Use TftpNano in your own application");
        string examples = string.Join('\n', ReadmeExamples.Matches(section).Select(m => m.Groups["code"].Value));
        string advanced = ReadmeSection(section, "### What is public");
        var missing = new List<string>();
        foreach (Type type in ExportedTypes())
        {
            string name = Regex.Escape(type.Name);
            bool used = Regex.IsMatch(examples, $@"\b{name}\b");
            bool listedAsAdvanced = Regex.IsMatch(advanced, $@"`{name}`");
            if (!used && !listedAsAdvanced)
            {
                missing.Add(type.FullName!);
            }
        }

        Assert.True(missing.Count == 0, "Neither used in the README's examples nor listed as advanced: " + string.Join(", ", missing));
    }

    /// <summary>The README's C# examples of the section "Use TftpNano in your own application".</summary>
    internal static string[] ApplicationExamples()
    {
        string section = ReadmeSection(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md")), "## Use TftpNano in your own application");
        return ReadmeExamples.Matches(section).Select(m => m.Groups["code"].Value).ToArray();
    }

    private static string ReadmeSection(string text, string heading)
    {
        int start = text.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section '{heading}'");
        string level = heading[..(heading.IndexOf(' ', StringComparison.Ordinal) + 1)];
        int end = text.IndexOf("\n" + level, start + heading.Length + 1, StringComparison.Ordinal);
        return end < 0 ? text[start..] : text[start..end];
    }

    private static Type[] ExportedTypes() =>
        typeof(TftpClient).Assembly.GetExportedTypes()
            .OrderBy(t => t.Namespace, StringComparer.Ordinal).ThenBy(t => t.Name, StringComparer.Ordinal).ToArray();

    // Types and members a caller outside the assembly can see, one per line, in a stable order.
    private static string Listing()
    {
        var text = new StringBuilder("# The public surface of the TftpNano core, as its desktop build (TftpNano.csproj) exports it; the\n"
            + "# nanoFramework build compiles the same sources. Held to the assembly by PublicApiTests.\n");
        foreach (IGrouping<string?, Type> space in ExportedTypes().GroupBy(t => t.Namespace))
        {
            text.Append('\n').Append("namespace ").Append(space.Key).Append('\n');
            foreach (Type type in space)
            {
                text.Append(Declaration(type)).Append('\n');
                foreach (string member in Members(type).Order(StringComparer.Ordinal))
                {
                    text.Append("    ").Append(member).Append('\n');
                }
            }
        }

        return text.ToString();
    }

    private static string Declaration(Type type)
    {
        string name = TypeName(type);
        if (type.IsEnum)
        {
            return "public enum " + name;
        }

        if (typeof(Delegate).IsAssignableFrom(type))
        {
            MethodInfo invoke = type.GetMethod("Invoke")!;
            return $"public delegate {TypeName(invoke.ReturnType)} {name}({Parameters(invoke)})";
        }

        string kind = type.IsInterface ? "interface" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class"
            : type.IsAbstract ? "abstract class" : type.IsSealed ? "sealed class" : "class";
        var bases = new List<string>();
        if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType))
        {
            bases.Add(TypeName(baseType));
        }

        bases.AddRange(type.GetInterfaces().Except(type.BaseType?.GetInterfaces() ?? []).Select(TypeName).Order(StringComparer.Ordinal));
        return $"public {kind} {name}" + (bases.Count > 0 ? " : " + string.Join(", ", bases) : string.Empty);
    }

    private static IEnumerable<string> Members(Type type)
    {
        const BindingFlags Visible = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.IsEnum)
        {
            foreach (FieldInfo value in type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                yield return $"{value.Name} = {Convert.ToInt64(value.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}";
            }

            yield break;
        }

        if (typeof(Delegate).IsAssignableFrom(type))
        {
            yield break;
        }

        foreach (FieldInfo field in type.GetFields(Visible).Where(f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly))
        {
            yield return $"{Access(field.IsPublic)} {(field.IsLiteral ? "const " : field.IsStatic ? "static " : string.Empty)}{(field.IsInitOnly ? "readonly " : string.Empty)}{TypeName(field.FieldType)} {field.Name}";
        }

        foreach (ConstructorInfo constructor in type.GetConstructors(Visible).Where(Visible_))
        {
            yield return $"{Access(constructor.IsPublic)} {TypeName(type)}({Parameters(constructor)})";
        }

        foreach (PropertyInfo property in type.GetProperties(Visible))
        {
            MethodInfo? get = property.GetMethod is { } g && Visible_(g) ? g : null;
            MethodInfo? set = property.SetMethod is { } s && Visible_(s) ? s : null;
            if (get is null && set is null)
            {
                continue;
            }

            MethodInfo any = get ?? set!;
            string accessors = (get is null ? string.Empty : "get; ") + (set is null ? string.Empty : "set; ");
            string index = property.GetIndexParameters().Length > 0 ? $"this[{Parameters(property.GetIndexParameters())}]" : property.Name;
            yield return $"{Access(any.IsPublic)} {(any.IsStatic ? "static " : string.Empty)}{Modifier(any)}{TypeName(property.PropertyType)} {index} {{ {accessors}}}";
        }

        foreach (EventInfo @event in type.GetEvents(Visible).Where(e => Visible_(e.AddMethod!)))
        {
            yield return $"{Access(@event.AddMethod!.IsPublic)} event {TypeName(@event.EventHandlerType!)} {@event.Name}";
        }

        foreach (MethodInfo method in type.GetMethods(Visible).Where(m => !m.IsSpecialName && Visible_(m)))
        {
            yield return $"{Access(method.IsPublic)} {(method.IsStatic ? "static " : string.Empty)}{Modifier(method)}{TypeName(method.ReturnType)} {method.Name}({Parameters(method)})";
        }
    }

    private static bool Visible_(MethodBase method) => method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly;

    private static string Access(bool isPublic) => isPublic ? "public" : "protected";

    private static string Modifier(MethodInfo method)
    {
        if (method.DeclaringType!.IsInterface)
        {
            return string.Empty;
        }

        if (method.IsAbstract)
        {
            return "abstract ";
        }

        if (method.IsVirtual && !method.IsFinal)
        {
            return method.GetBaseDefinition() == method ? "virtual " : "override ";
        }

        return method.IsVirtual && method.GetBaseDefinition() != method ? "sealed override " : string.Empty;
    }

    private static string Parameters(MethodBase method) => Parameters(method.GetParameters());

    private static string Parameters(ParameterInfo[] parameters) =>
        string.Join(", ", parameters.Select(p => (p.IsOut ? "out " : p.ParameterType.IsByRef ? "ref " : string.Empty)
            + TypeName(p.ParameterType.IsByRef ? p.ParameterType.GetElementType()! : p.ParameterType) + " " + p.Name));

    private static string TypeName(Type type)
    {
        if (type.IsArray)
        {
            return TypeName(type.GetElementType()!) + "[]";
        }

        return type.FullName switch
        {
            "System.Void" => "void",
            "System.Boolean" => "bool",
            "System.Byte" => "byte",
            "System.Char" => "char",
            "System.Int16" => "short",
            "System.UInt16" => "ushort",
            "System.Int32" => "int",
            "System.UInt32" => "uint",
            "System.Int64" => "long",
            "System.UInt64" => "ulong",
            "System.String" => "string",
            "System.Object" => "object",
            _ => type.Namespace is "TftpNano" or null || type.Namespace!.StartsWith("TftpNano.", StringComparison.Ordinal) || type.Namespace == "System"
                ? type.Name
                : type.FullName ?? type.Name,
        };
    }

    [GeneratedRegex(@"```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ReadmeExamplesRegex();

    private static Regex ReadmeExamples => ReadmeExamplesRegex();
}
