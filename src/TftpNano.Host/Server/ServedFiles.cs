using Microsoft.Win32.SafeHandles;

namespace TftpNano.Host.Server;

/// <summary>
/// Maps requested file names to files inside the served folder and nowhere else.
/// </summary>
/// <remarks>
/// Names are relative; '..' segments and absolute names are refused outright. On Linux the kernel
/// resolves the rest beneath the folder and opens it in one step (openat2 with RESOLVE_BENEATH): a
/// link may lead elsewhere inside the folder, and one leading out of it is refused, however the
/// folder's names are swapped meanwhile. The folder itself is opened anew for each request, since
/// publishing a release at the server's root swaps the whole folder for a new one. Where openat2 is
/// missing (another system, Linux before 5.6) every link on the way is resolved first and the result
/// opened, which a writer to the folder could race.
/// </remarks>
public sealed class ServedFiles
{
    private const int MaxLinkDepth = 40;
    private readonly string _root;

    // Set where openat2 cannot be used: names are then resolved by path.
    private volatile bool _byPath = !OperatingSystem.IsLinux();

    /// <summary>
    /// Creates the map for a folder.
    /// </summary>
    /// <param name="root">The served folder; it must exist.</param>
    public ServedFiles(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The folder '{root}' does not exist.");
        }

        _root = ResolveLinks(Path.GetFullPath(root), 0) ?? throw new IOException($"Cannot resolve '{root}'.");
    }

    /// <summary>Gets the served folder with every link resolved.</summary>
    public string Root => _root;

    /// <summary>
    /// Finds the file a request names.
    /// </summary>
    /// <param name="requested">The name from the request.</param>
    /// <param name="path">The file's real path when found.</param>
    /// <returns>Null when found, else why not: (<see cref="Protocol.TftpErrorCode"/>, message).</returns>
    public (Protocol.TftpErrorCode Code, string Message)? TryResolve(string requested, out string path)
    {
        path = "";
        if (Validate(requested, out string[] segments) is { } invalid)
        {
            return invalid;
        }

        string? resolved = ResolveLinks(Path.GetFullPath(Path.Combine(_root, Path.Combine(segments))), 0);
        if (resolved is null || !File.Exists(resolved))
        {
            return (Protocol.TftpErrorCode.FileNotFound, "File not found.");
        }

        if (!resolved.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return (Protocol.TftpErrorCode.AccessViolation, "The file links outside the served folder.");
        }

        path = resolved;
        return null;
    }

    /// <summary>
    /// Resolves a requested name and opens it for one transfer.
    /// </summary>
    /// <param name="requested">The name the client asked for.</param>
    /// <param name="file">The file, when it can be served.</param>
    /// <returns>Null when the file was opened; otherwise the TFTP error to answer with.</returns>
    internal (Protocol.TftpErrorCode Code, string Message)? TryOpen(string requested, out ServedFile? file)
    {
        file = null;
        if (Validate(requested, out string[] segments) is { } invalid)
        {
            return invalid;
        }

        if (!_byPath)
        {
            int error;
            SafeFileHandle? handle;
            using (SafeFileHandle folder = LinuxFiles.OpenFolder(_root))
            {
                error = LinuxFiles.OpenBeneath(folder, string.Join('/', segments), out handle);
            }

            switch (error)
            {
                case 0:
                    return Take(handle!, out file);
                case LinuxFiles.NoSuchFile or LinuxFiles.NotAFolder:
                    return (Protocol.TftpErrorCode.FileNotFound, "File not found.");
                case LinuxFiles.LeavesTheFolder or LinuxFiles.Link:
                    return (Protocol.TftpErrorCode.AccessViolation, "The file links outside the served folder.");
                case LinuxFiles.NoSuchCall:
                    _byPath = true;
                    break;
                default:
                    return (Protocol.TftpErrorCode.AccessViolation, "Cannot read the file.");
            }
        }

        if (TryResolve(requested, out string path) is { } refusal)
        {
            return refusal;
        }

        try
        {
            file = ServedFile.Open(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (Protocol.TftpErrorCode.AccessViolation, "Cannot read the file.");
        }

        return file is null ? (Protocol.TftpErrorCode.AccessViolation, "Only regular files are served.") : null;
    }

    // A relative name without '..': what is left to resolve beneath the folder.
    private static (Protocol.TftpErrorCode Code, string Message)? Validate(string requested, out string[] segments)
    {
        segments = [];
        string relative = requested.Replace('\\', '/');
        if (relative.StartsWith('/') || Path.IsPathRooted(requested) || (relative.Length > 1 && relative[1] == ':'))
        {
            return (Protocol.TftpErrorCode.AccessViolation, "Absolute paths are not served.");
        }

        segments = relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0 || segments.Any(s => s == ".."))
        {
            return (Protocol.TftpErrorCode.AccessViolation, "Paths outside the served folder are not served.");
        }

        return null;
    }

    private static (Protocol.TftpErrorCode Code, string Message)? Take(SafeFileHandle handle, out ServedFile? file)
    {
        try
        {
            file = ServedFile.Open(handle);
        }
        catch (IOException)
        {
            file = null;
            return (Protocol.TftpErrorCode.AccessViolation, "Cannot read the file.");
        }

        return file is null ? (Protocol.TftpErrorCode.AccessViolation, "Only regular files are served.") : null;
    }

    // Resolves every symbolic link along an absolute path, like realpath(3); null for a dangling link.
    private static string? ResolveLinks(string path, int depth)
    {
        if (depth > MaxLinkDepth)
        {
            return null;
        }

        string current = Path.GetPathRoot(path)!;
        foreach (string segment in path[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(current, segment);
            FileSystemInfo info = Directory.Exists(candidate) ? new DirectoryInfo(candidate) : new FileInfo(candidate);
            if (info.LinkTarget is not null)
            {
                FileSystemInfo? target = info.ResolveLinkTarget(returnFinalTarget: true);
                if (target is null)
                {
                    return null;
                }

                string? real = ResolveLinks(target.FullName, depth + 1);
                if (real is null)
                {
                    return null;
                }

                candidate = real;
            }

            current = candidate;
        }

        return current;
    }
}
