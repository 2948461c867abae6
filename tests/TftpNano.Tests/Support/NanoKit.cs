namespace TftpNano.Tests.Support;

/// <summary>
/// The nanoFramework kit: nanoFramework's own compiler tool chain, MetadataProcessor and interpreter
/// (nanoCLR) for Linux, which decide what is true of device code.
/// </summary>
/// <remarks>
/// Found where <c>NANOFRAMEWORK_SDK</c> points, else at <c>../shared/nanoframework-sdk</c> beside the
/// repository. Tests that need it are skipped where it is missing, except in CI (<c>CI=true</c>), where
/// a missing kit is a failure.
/// </remarks>
internal static class NanoKit
{
    /// <summary>The kit's folder, or null when there is none.</summary>
    public static string? Folder { get; } = Find();

    /// <summary>Why tests needing the kit cannot run here, or null when they can (or must).</summary>
    public static string? SkipReason => Folder is null && !Peers.IsCi
        ? "needs the nanoFramework kit at ../shared/nanoframework-sdk beside the repository, or where NANOFRAMEWORK_SDK points (in CI this fails instead)"
        : null;

    /// <summary>The kit's folder; fails the test when it is missing.</summary>
    public static string Require() => Folder ?? throw new InvalidOperationException(
        "The nanoFramework kit is missing: put it at ../shared/nanoframework-sdk beside the repository or set NANOFRAMEWORK_SDK.");

    /// <summary>A program of the kit's <c>bin/</c> folder: nf-build, nf-test or nf-run.</summary>
    public static string Tool(string name) => Path.Combine(Require(), "bin", name);

    /// <summary>The assembly a package of the kit carries, such as <c>nanoFramework.Hardware.Esp32.1.6.40</c>.</summary>
    public static string PackageAssembly(string package, string assembly) =>
        Path.Combine(Require(), "packages", package, "lib", assembly);

    private static string? Find()
    {
        string? configured = Environment.GetEnvironmentVariable("NANOFRAMEWORK_SDK");
        string folder = string.IsNullOrEmpty(configured)
            ? Path.GetFullPath(Path.Combine(RepositoryPaths.Root, "..", "shared", "nanoframework-sdk"))
            : Path.GetFullPath(configured);
        return File.Exists(Path.Combine(folder, "bin", "nf-build")) ? folder : null;
    }
}

/// <summary>A fact that needs the nanoFramework kit: skipped where it is missing, failing in CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NanoKitFactAttribute : FactAttribute
{
    public NanoKitFactAttribute()
    {
        Skip = NanoKit.SkipReason;
    }
}

/// <summary>
/// A theory that needs the nanoFramework kit, and any real peers named: skipped where one is missing,
/// failing in CI.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NanoKitTheoryAttribute : TheoryAttribute
{
    public NanoKitTheoryAttribute(params string[] peers)
    {
        Skip = NanoKit.SkipReason ?? Peers.SkipReason(peers);
    }
}
