using System.Security.Cryptography;
using TftpNano.Security;
using TftpNano.Update;

namespace TftpNano.Cli.Update;

/// <summary>
/// Writes the manifest (and its signature) for a folder of release files.
/// </summary>
internal static class ReleasePublisher
{
    /// <summary>The <c>--digest</c> name of <see cref="DigestKind.HmacSha256Chain"/>.</summary>
    public const string HmacChainName = "hmac-sha256-4k";

    /// <summary>The <c>--digest</c> name of <see cref="DigestKind.Sha256"/>.</summary>
    public const string Sha256Name = "sha256";

    /// <summary>
    /// Describes the files in <paramref name="folder"/> and writes <c>manifest</c> and, when a key is
    /// given, <c>manifest.sig</c> beside them.
    /// </summary>
    /// <param name="folder">The channel folder on the server.</param>
    /// <param name="channel">Its name as devices ask for it (<c>fw/stable</c>; <c>/</c> or empty for the server's root).</param>
    /// <param name="version">The release version.</param>
    /// <param name="entryPoint">Namespace.Type.Method.</param>
    /// <param name="order">File names to list first, in this load order; the rest follow by name.</param>
    /// <param name="privateKeyPath">The signing key, or null for an unsigned release.</param>
    /// <param name="digest">How each file is digested.</param>
    /// <param name="bootApp">
    /// The boot app's assemblies, or null: when given, the folder's <c>.pe</c> files are checked against
    /// them (<see cref="ReleaseAssemblies"/>), listed first in the load order their references give, and
    /// the manifest names what the release needs from the boot app.
    /// </param>
    /// <returns>The manifest written.</returns>
    public static ReleaseManifest Publish(string folder, string channel, string version, string entryPoint, IReadOnlyList<string> order,
        string? privateKeyPath, DigestKind digest = DigestKind.HmacSha256Chain, IReadOnlyList<PeAssembly>? bootApp = null)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{folder} is not a folder.");
        }

        RequiredAssembly[] needs = [];
        if (bootApp is not null)
        {
            if (order.Count > 0)
            {
                throw new ArgumentException("--order is not needed with the boot app's assemblies: the load order comes from the references.");
            }

            ReleaseAssemblies plan = ReleaseAssemblies.Plan(ReleaseAssemblies.Read(folder), bootApp);
            order = plan.LoadOrder;
            needs = [.. plan.Needs];
        }

        var names = Directory.GetFiles(folder)
            .Select(Path.GetFileName)
            .Select(name => name!)
            .Where(name => name != ReleaseManifest.FileName && name != ReleaseManifest.SignatureFileName && !name.StartsWith('.'))
            .ToList();
        foreach (string name in order)
        {
            if (!names.Contains(name, StringComparer.Ordinal))
            {
                throw new ArgumentException($"--order names {name}, which is not in {folder}.");
            }
        }

        IEnumerable<string> ordered = order.Concat(names.Where(n => !order.Contains(n)).Order(StringComparer.Ordinal));
        ReleaseFile[] files = ordered.Select(name =>
        {
            string problem = ReleaseManifest.CheckFileName(name);
            if (problem is not null)
            {
                throw new ArgumentException(problem);
            }

            using FileStream stream = File.OpenRead(Path.Combine(folder, name));
            return new ReleaseFile(name, stream.Length, digest, Digest(stream, digest));
        }).ToArray();

        ReleaseManifest manifest;
        try
        {
            manifest = ReleaseManifest.Create(channel.Trim('/'), version, entryPoint, needs, files);
        }
        catch (UpdateException e)
        {
            // A version, entry point or name the owner gave: a usage error here, not a refused update.
            throw new ArgumentException(e.Message, e);
        }

        byte[] bytes = manifest.ToBytes();
        string signaturePath = Path.Combine(folder, ReleaseManifest.SignatureFileName);
        byte[]? signature = privateKeyPath is null ? null : SigningKey.Sign(bytes, privateKeyPath);

        // The old signature goes first: a server must never pair a new manifest with a stale signature.
        File.Delete(signaturePath);
        File.WriteAllBytes(Path.Combine(folder, ReleaseManifest.FileName), bytes);
        if (signature is not null)
        {
            File.WriteAllBytes(signaturePath, signature);
        }

        return manifest;
    }

    /// <summary>
    /// Puts an application's assemblies into a channel folder: those of its build output the boot app
    /// does not carry are copied in, and the folder's other <c>.pe</c> files (left from an earlier
    /// release) are deleted.
    /// </summary>
    /// <param name="build">The application's build output, such as <c>bin/Release</c>.</param>
    /// <param name="folder">The channel folder.</param>
    /// <param name="bootApp">The boot app's assemblies.</param>
    /// <returns>The files copied and the files deleted.</returns>
    public static (IReadOnlyList<string> Copied, IReadOnlyList<string> Deleted) CopyFromBuild(string build, string folder,
        IReadOnlyList<PeAssembly> bootApp)
    {
        IReadOnlyList<PeAssembly> selected = ReleaseAssemblies.Select(ReleaseAssemblies.Read(build), bootApp);
        if (selected.Count == 0)
        {
            throw new ArgumentException($"{build} holds no assembly the boot app does not carry already: is it the application's build output?");
        }

        Directory.CreateDirectory(folder);
        var deleted = new List<string>();
        foreach (string stale in Directory.GetFiles(folder, "*.pe").Where(f => !selected.Any(s => s.FileName == Path.GetFileName(f))))
        {
            File.Delete(stale);
            deleted.Add(Path.GetFileName(stale));
        }

        foreach (PeAssembly assembly in selected)
        {
            File.Copy(assembly.Path, Path.Combine(folder, assembly.FileName), overwrite: true);
        }

        return (selected.Select(a => a.FileName).ToArray(), deleted);
    }

    /// <summary>A file's digest of the given kind, read in chunks.</summary>
    public static byte[] Digest(Stream stream, DigestKind kind)
    {
        if (kind == DigestKind.Sha256)
        {
            return SHA256.HashData(stream);
        }

        var chain = new HmacSha256Chain();
        byte[] buffer = new byte[HmacSha256Chain.ChunkLength];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            chain.Append(buffer, 0, read);
        }

        byte[] digest = new byte[32];
        chain.Finish(digest, 0);
        return digest;
    }
}
