using TftpNano.Update;
using TftpNano.Update.Manifest;

namespace TftpNano.Host.Update;

/// <summary>
/// A release's assemblies checked against the boot app's, and what the manifest says of them: the load
/// order (each assembly after those it references) and the assemblies the release needs the boot app to
/// carry.
/// </summary>
/// <remarks>
/// nanoFramework binds a reference by name and major.minor, keeps every loaded assembly in RAM for good,
/// and does not refuse a second copy of an assembly already loaded (nf-interpreter,
/// corlib_native_System_Reflection_Assembly.cpp and TypeSystem.cpp). So a release must not ship what the
/// boot app carries, and every reference must find its assembly, in the release or in the boot app, at
/// the major.minor it was built against. And the firmware binds an assembly's native methods only when
/// it loads the deployment at start (nf-interpreter's CLR startup sets the assembly's native method
/// table; <c>Assembly.Load(byte[])</c> links without one), so an assembly with native methods (GPIO,
/// I2C, SPI...) must come with the boot app: from a release, its first native call throws
/// <c>NotSupportedException</c>.
/// </remarks>
public sealed class ReleaseAssemblies
{
    private ReleaseAssemblies(IReadOnlyList<string> loadOrder, IReadOnlyList<RequiredAssembly> needs)
    {
        LoadOrder = loadOrder;
        Needs = needs;
    }

    /// <summary>Gets the release's <c>.pe</c> file names, each after those it references.</summary>
    public IReadOnlyList<string> LoadOrder { get; }

    /// <summary>Gets the boot app's assemblies the release references, at the major.minor it was built against.</summary>
    public IReadOnlyList<RequiredAssembly> Needs { get; }

    /// <summary>Reads every <c>.pe</c> file of a folder, by file name.</summary>
    public static IReadOnlyList<PeAssembly> Read(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{folder} is not a folder.");
        }

        return Directory.GetFiles(folder, "*.pe").Order(StringComparer.Ordinal).Select(PeAssembly.Read).ToArray();
    }

    /// <summary>The assemblies of an application's build output that the boot app does not carry: what its release ships.</summary>
    public static IReadOnlyList<PeAssembly> Select(IReadOnlyList<PeAssembly> build, IReadOnlyList<PeAssembly> bootApp) =>
        build.Where(assembly => !bootApp.Any(carried => carried.Name == assembly.Name)).ToArray();

    /// <summary>
    /// Refuses an entry point the device could never start: a type no assembly of the release defines,
    /// or one without a static method of that name taking no parameters (what the device calls).
    /// </summary>
    /// <param name="release">The release's assemblies.</param>
    /// <param name="entryPoint">Namespace.Type.Method, a nested type after a <c>+</c>.</param>
    /// <exception cref="ArgumentException">The entry point is not in the release.</exception>
    public static void CheckEntryPoint(IReadOnlyList<PeAssembly> release, string entryPoint)
    {
        int dot = entryPoint.LastIndexOf('.');
        if (dot <= 0 || dot == entryPoint.Length - 1)
        {
            // Not Type.Method at all: the manifest refuses it with its own sentence.
            return;
        }

        string typeName = entryPoint[..dot];
        string method = entryPoint[(dot + 1)..];
        PeType[] types = release.SelectMany(a => a.Types).ToArray();
        PeType? type = types.FirstOrDefault(t => t.FullName == typeName);
        if (type is null)
        {
            // A name kept as a built-in string cannot be read here: then nothing can be said.
            if (types.All(t => t.FullName is not null))
            {
                throw new ArgumentException($"--entry {entryPoint}: no assembly of the release defines the type {typeName}, "
                    + "so the device could never start it.");
            }

            return;
        }

        if (!type.EntryMethods.Contains(method) && type.EntryMethods.All(m => m is not null))
        {
            throw new ArgumentException($"--entry {entryPoint}: {typeName} has no static method {method} without parameters, "
                + "so the device could never start it.");
        }
    }

    /// <summary>Checks a release's assemblies against the boot app's and orders them.</summary>
    /// <exception cref="ArgumentException">An assembly the boot app carries, a reference nothing satisfies or at another major.minor, or a cycle.</exception>
    public static ReleaseAssemblies Plan(IReadOnlyList<PeAssembly> release, IReadOnlyList<PeAssembly> bootApp)
    {
        if (bootApp.Count == 0)
        {
            throw new ArgumentException("The boot app's folder holds no .pe files: give the boot app's build output (src/TftpNano.Device/bin/Release).");
        }

        foreach (PeAssembly assembly in release)
        {
            if (bootApp.FirstOrDefault(carried => carried.Name == assembly.Name) is { } carried)
            {
                throw new ArgumentException($"{assembly.FileName} is {carried.DisplayName} {assembly.Version}, which the boot app carries "
                    + $"({carried.Version}): leave it out of the release; a second copy would stay in the device's RAM for good.");
            }

            if (assembly.NativeChecksum != 0)
            {
                throw new ArgumentException($"{assembly.FileName} has native methods (checksum 0x{assembly.NativeChecksum:X8}), which the "
                    + "firmware binds only for the assemblies deployed with the boot app, never for one a release loads: add its package "
                    + "to the boot app (src/TftpNano.Device/TftpNano.Device.nfproj) and leave it out of the release.");
            }

            if (release.FirstOrDefault(other => other != assembly && other.Name == assembly.Name) is { } twin)
            {
                throw new ArgumentException($"{assembly.FileName} and {twin.FileName} are the same assembly, {assembly.DisplayName}.");
            }
        }

        var needs = new List<RequiredAssembly>();
        var dependencies = new Dictionary<PeAssembly, List<PeAssembly>>();
        foreach (PeAssembly assembly in release)
        {
            dependencies[assembly] = [];
            foreach (PeReference reference in assembly.References)
            {
                PeAssembly? target = release.FirstOrDefault(a => a.Name == reference.Name) ?? bootApp.FirstOrDefault(a => a.Name == reference.Name);
                if (target is null)
                {
                    throw new ArgumentException($"{assembly.FileName} references {reference.Name} {reference.Version}, which neither the release "
                        + "nor the boot app has: add its .pe to the release.");
                }

                string where = release.Contains(target) ? "the release has" : "the boot app carries";

                if (target.Version.Major != reference.Version.Major || target.Version.Minor != reference.Version.Minor)
                {
                    throw new ArgumentException($"{assembly.FileName} was built against {target.DisplayName} {reference.Version}, and {where} "
                        + $"{target.Version}: nanoFramework binds references by name and major.minor, so it would not load. Rebuild it "
                        + "against the same package versions as the boot app.");
                }

                if (release.Contains(target))
                {
                    dependencies[assembly].Add(target);
                }
                else if (!needs.Any(n => n.Name == target.DisplayName))
                {
                    needs.Add(new RequiredAssembly(target.DisplayName, target.Version.Major, target.Version.Minor));
                }
            }
        }

        return new ReleaseAssemblies(Order(release, dependencies), needs.OrderBy(n => n.Name, StringComparer.Ordinal).ToArray());
    }

    // Each assembly after everything it references; among those free to go, by file name.
    private static IReadOnlyList<string> Order(IReadOnlyList<PeAssembly> release, Dictionary<PeAssembly, List<PeAssembly>> dependencies)
    {
        var ordered = new List<PeAssembly>();
        var pending = release.OrderBy(a => a.FileName, StringComparer.Ordinal).ToList();
        while (pending.Count > 0)
        {
            PeAssembly? next = pending.FirstOrDefault(a => dependencies[a].All(ordered.Contains));
            if (next is null)
            {
                throw new ArgumentException("The release's assemblies reference each other in a cycle: "
                    + string.Join(", ", pending.Select(a => a.FileName)) + ".");
            }

            ordered.Add(next);
            pending.Remove(next);
        }

        return ordered.Select(a => a.FileName).ToArray();
    }
}
