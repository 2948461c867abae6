using System.Runtime.InteropServices;

namespace TftpNano.Host.Server;

/// <summary>
/// Gives up root once the server holds its port: a daemon bound to port 69 needs root (or
/// CAP_NET_BIND_SERVICE) for that one call, and nothing after it.
/// </summary>
internal static partial class Privileges
{
    /// <summary>Becomes <paramref name="user"/>, with that user's group and no supplementary groups, for the whole process.</summary>
    /// <exception cref="ArgumentException">There is no such user.</exception>
    /// <exception cref="UnauthorizedAccessException">The change was refused, or root could be taken back.</exception>
    public static void DropTo(string user)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("--user is supported on Linux.");
        }

        (uint uid, uint gid) = Find(user);

        // Groups first, then the group, then the user: after setuid nothing else may be changed.
        // glibc applies each to every thread of the process.
        if (SetGroups(0, IntPtr.Zero) != 0 || SetGid(gid) != 0 || SetUid(uid) != 0)
        {
            throw new UnauthorizedAccessException($"--user {user}: changing to uid {uid}, gid {gid} failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        if (uid != 0 && SetUid(0) == 0)
        {
            throw new UnauthorizedAccessException($"--user {user}: root could be taken back after the change.");
        }
    }

    /// <summary>Makes <paramref name="user"/> and that user's group the owners of a folder (Linux).</summary>
    /// <exception cref="ArgumentException">There is no such user.</exception>
    /// <exception cref="UnauthorizedAccessException">The change was refused.</exception>
    public static void GiveOwnership(string path, string user)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("--user is supported on Linux.");
        }

        (uint uid, uint gid) = Find(user);
        if (ChangeOwner(path, uid, gid) != 0)
        {
            throw new UnauthorizedAccessException($"--user {user}: giving {path} to uid {uid} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    // struct passwd { char *pw_name; char *pw_passwd; uid_t pw_uid; gid_t pw_gid; ... } (<pwd.h>).
    private static (uint Uid, uint Gid) Find(string user)
    {
        IntPtr entry = GetPasswordEntry(user);
        if (entry == IntPtr.Zero)
        {
            throw new ArgumentException($"--user {user}: there is no such user.");
        }

        return ((uint)Marshal.ReadInt32(entry, 2 * IntPtr.Size), (uint)Marshal.ReadInt32(entry, (2 * IntPtr.Size) + 4));
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ChangeOwner(string path, uint uid, uint gid);

    [LibraryImport("libc", EntryPoint = "getpwnam", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetPasswordEntry(string name);

    [LibraryImport("libc", EntryPoint = "setgroups", SetLastError = true)]
    private static partial int SetGroups(nint size, IntPtr list);

    [LibraryImport("libc", EntryPoint = "setgid", SetLastError = true)]
    private static partial int SetGid(uint gid);

    [LibraryImport("libc", EntryPoint = "setuid", SetLastError = true)]
    private static partial int SetUid(uint uid);
}
