using System.Security.Cryptography;
using TftpNano.Security;
using TftpNano.Update;
using TftpNano.Update.Manifest;

namespace TftpNano.Host.Update;

/// <summary>
/// Writes the manifest (and its signature) for a folder of release files.
/// </summary>
public static partial class ReleasePublisher
{
    /// <summary>The <c>--digest</c> name of <see cref="DigestKind.HmacSha256Chain"/>.</summary>
    public const string HmacChainName = "hmac-sha256-4k";

    /// <summary>The <c>--digest</c> name of <see cref="DigestKind.Sha256"/>.</summary>
    public const string Sha256Name = "sha256";

    /// <summary>
    /// Publishes a release: describes the files of the channel folder and writes <c>manifest</c> and,
    /// when a key is given, <c>manifest.sig</c> beside them, all in a new folder that then takes the
    /// channel folder's place at once, so that a device never fetches a half-written release.
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
    /// <param name="build">An application's build output whose assemblies the release ships (<see cref="CopyFromBuild"/>), or null.</param>
    /// <param name="allowUnsigned">False to refuse replacing a signed release with an unsigned one.</param>
    /// <param name="dryRun">True to check and describe the release without changing the channel folder.</param>
    /// <param name="report">Receives what was copied and deleted, or null.</param>
    /// <param name="rollout">
    /// The percentage of devices that take the release (<see cref="StagedRollout"/>), 0 to 100; 100, the
    /// default, stages nothing.
    /// </param>
    /// <param name="devices">Ids of devices that take it whatever the percentage (canaries), or null.</param>
    /// <returns>The manifest written (or, on a dry run, that would be).</returns>
    public static ReleaseManifest Publish(string folder, string channel, string version, string entryPoint, IReadOnlyList<string> order,
        string? privateKeyPath, DigestKind digest = DigestKind.HmacSha256Chain, IReadOnlyList<PeAssembly>? bootApp = null,
        string? build = null, bool allowUnsigned = true, bool dryRun = false, Action<string>? report = null, int rollout = 100,
        IReadOnlyList<string>? devices = null)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{folder} is not a folder.");
        }

        if (privateKeyPath is null && !allowUnsigned && File.Exists(Path.Combine(folder, ReleaseManifest.SignatureFileName)))
        {
            throw new ArgumentException($"{folder} holds a signed release, and devices with a key refuse an unsigned one: "
                + "give --sign KEY, or --unsigned if an unsigned release is what you mean.");
        }

        foreach (string name in order)
        {
            if (!File.Exists(Path.Combine(folder, name)))
            {
                throw new ArgumentException($"--order names {name}, which is not in {folder}.");
            }
        }

        string full = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        string staging = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.publishing-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            CopyTree(full, staging);

            if (build is not null)
            {
                (IReadOnlyList<string> copied, IReadOnlyList<string> deleted) = CopyFromBuild(build, staging,
                    bootApp ?? throw new ArgumentException("Publishing from a build output needs the boot app's assemblies."));
                report?.Invoke($"copied {string.Join(", ", copied)}" + (deleted.Count > 0 ? $"; deleted {string.Join(", ", deleted)}" : string.Empty));
            }

            ReleaseManifest manifest = WriteManifest(staging, channel, version, entryPoint, order, privateKeyPath, digest, bootApp, rollout, devices ?? []);
            if (!dryRun)
            {
                Swap(staging, full);
            }

            return manifest;
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    // The new folder takes the old one's place: on Linux in one step (renameat2 with RENAME_EXCHANGE
    // swaps two paths atomically, so a request finds the old release or the new one); elsewhere in two,
    // between which a request finds no channel and the device simply tries again at its next boot.
    private static void Swap(string staging, string folder)
    {
        if (OperatingSystem.IsLinux() && RenameAt2(AtCurrentDirectory, staging, AtCurrentDirectory, folder, RenameExchange) == 0)
        {
            return;
        }

        string old = staging + ".old";
        Directory.Move(folder, old);
        Directory.Move(staging, folder);
        Directory.Move(old, staging);
    }

    // <fcntl.h> and <stdio.h> on Linux.
    private const int AtCurrentDirectory = -100;
    private const uint RenameExchange = 2;

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true,
        StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
    private static partial int RenameAt2(int oldDirectory, string oldPath, int newDirectory, string newPath, uint flags);

    // Everything the channel folder holds, channels below it included, so that the swap keeps them:
    // regular files and folders only. A link would publish whatever it names (the signing key, say),
    // and a FIFO would block the copy for ever.
    private static void CopyTree(string from, string to, string? channel = null)
    {
        channel ??= from;
        foreach (string entry in Directory.GetFileSystemEntries(from).Order(StringComparer.Ordinal))
        {
            string name = Path.GetRelativePath(channel, entry);
            if (new FileInfo(entry).LinkTarget is not null)
            {
                throw new ArgumentException($"{name} is a symbolic link: a release holds regular files only, and a link would publish whatever it names.");
            }

            if (Directory.Exists(entry))
            {
                CopyTree(entry, Directory.CreateDirectory(Path.Combine(to, Path.GetFileName(entry))).FullName, channel);
            }
            else
            {
                CopyRegularFile(entry, name, Path.Combine(to, Path.GetFileName(entry)));
            }
        }
    }

    // Opened without following a link and without waiting on a FIFO, and copied only when the opened
    // file is a regular one (Linux); elsewhere the checks above and File.Copy.
    private static void CopyRegularFile(string source, string name, string destination)
    {
        if (!OperatingSystem.IsLinux())
        {
            File.Copy(source, destination);
            return;
        }

        int error = LinuxFiles.OpenWithoutFollowing(source, out Microsoft.Win32.SafeHandles.SafeFileHandle? handle);
        if (error == LinuxFiles.Link)
        {
            throw new ArgumentException($"{name} is a symbolic link: a release holds regular files only, and a link would publish whatever it names.");
        }

        if (error != 0)
        {
            throw new IOException($"Cannot read {source} (errno {error}).");
        }

        using (handle)
        {
            if (!LinuxFiles.IsRegularFile(handle!))
            {
                throw new ArgumentException($"{name} is not a regular file (a FIFO, a device or a socket): a release holds regular files only.");
            }

            using var input = new FileStream(handle!, FileAccess.Read);
            using FileStream output = File.Create(destination);
            input.CopyTo(output);
        }
    }

    // Describes the files of a folder and writes its manifest and signature there.
    private static ReleaseManifest WriteManifest(string folder, string channel, string version, string entryPoint, IReadOnlyList<string> order,
        string? privateKeyPath, DigestKind digest, IReadOnlyList<PeAssembly>? bootApp, int rollout, IReadOnlyList<string> devices)
    {
        RequiredAssembly[] needs = [];
        if (bootApp is not null)
        {
            if (order.Count > 0)
            {
                throw new ArgumentException("--order is not needed with the boot app's assemblies: the load order comes from the references.");
            }

            IReadOnlyList<PeAssembly> assemblies = ReleaseAssemblies.Read(folder);
            ReleaseAssemblies.CheckEntryPoint(assemblies, entryPoint);
            ReleaseAssemblies plan = ReleaseAssemblies.Plan(assemblies, bootApp);
            order = plan.LoadOrder;
            needs = [.. plan.Needs];
        }

        var names = Directory.GetFiles(folder)
            .Select(Path.GetFileName)
            .Select(name => name!)
            .Where(name => name != ReleaseManifest.FileName && name != ReleaseManifest.SignatureFileName && !name.StartsWith('.'))
            .ToList();

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
            manifest = ReleaseManifest.Create(channel.Trim('/'), version, entryPoint, needs, rollout, [.. devices], files);
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
