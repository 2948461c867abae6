using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace TftpNano.Host;

/// <summary>
/// Opening files on Linux so that what is checked is what is opened: a path checked and then opened
/// can be swapped for a link in between, and a FIFO opened for reading waits for a writer for ever.
/// </summary>
/// <remarks>
/// Files are opened with O_NONBLOCK (a FIFO opens at once, and is then refused), and the opened
/// descriptor's type is read with statx(2), never the path's. <see cref="OpenBeneath"/> resolves a
/// name inside a folder in the kernel with openat2(2)'s RESOLVE_BENEATH: no '..', absolute link or
/// link leading out of the folder is followed, whatever is renamed meanwhile.
/// </remarks>
internal static partial class LinuxFiles
{
    /// <summary>errno: no such file or folder.</summary>
    public const int NoSuchFile = 2;

    /// <summary>errno: permission denied.</summary>
    public const int PermissionDenied = 13;

    /// <summary>errno: a part of the path is not a folder.</summary>
    public const int NotAFolder = 20;

    /// <summary>errno: the resolution would leave the folder (openat2's RESOLVE_BENEATH).</summary>
    public const int LeavesTheFolder = 18;

    /// <summary>errno: a symbolic link where none may be followed (O_NOFOLLOW), or too many links.</summary>
    public const int Link = 40;

    /// <summary>errno: the kernel has no such call (openat2 came with Linux 5.6).</summary>
    public const int NoSuchCall = 38;

    // <asm-generic/fcntl.h> and x86's: the same values except O_NOFOLLOW and O_DIRECTORY.
    private const int ReadOnly = 0;
    private const int NonBlocking = 0x800;
    private const int NoControllingTerminal = 0x100;
    private const int CloseOnExec = 0x80000;
    private const int PathOnly = 0x200000;

    // <linux/openat2.h>; openat2 is system call 437 on every architecture (numbers from 424 on are shared).
    private const long OpenAt2Call = 437;
    private const ulong ResolveNoMagicLinks = 0x02;
    private const ulong ResolveBeneath = 0x08;

    // <linux/stat.h> and <fcntl.h>: the statx fields keep one layout on every architecture.
    private const int EmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const int StatxModeOffset = 28;
    private const int TypeMask = 0xF000;
    private const int RegularFile = 0x8000;

    private static bool IsArm => RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64;

    private static int NoFollow => IsArm ? 0x8000 : 0x20000;

    private static int FolderOnly => IsArm ? 0x4000 : 0x10000;

    /// <summary>
    /// Opens a folder to resolve names beneath it (O_PATH: it can be neither read nor listed through this handle).
    /// </summary>
    /// <param name="path">The folder.</param>
    /// <returns>The folder's handle.</returns>
    public static SafeFileHandle OpenFolder(string path)
    {
        int descriptor = Open(path, PathOnly | FolderOnly | CloseOnExec);
        if (descriptor < 0)
        {
            throw new IOException($"Cannot open the folder '{path}' (errno {Marshal.GetLastPInvokeError()}).");
        }

        return new SafeFileHandle(descriptor, ownsHandle: true);
    }

    /// <summary>
    /// Opens a file beneath a folder for reading, resolved by the kernel without ever leaving the folder.
    /// </summary>
    /// <param name="folder">The folder, from <see cref="OpenFolder"/>.</param>
    /// <param name="relative">The name inside it, '/' between its parts.</param>
    /// <param name="file">The opened file, when the result is 0.</param>
    /// <returns>0, or the errno that says why not (<see cref="LeavesTheFolder"/>, <see cref="NoSuchFile"/>...).</returns>
    public static int OpenBeneath(SafeFileHandle folder, string relative, out SafeFileHandle? file)
    {
        var how = new OpenHow
        {
            Flags = (ulong)(ReadOnly | NonBlocking | NoControllingTerminal | CloseOnExec),
            Resolve = ResolveBeneath | ResolveNoMagicLinks,
        };
        long descriptor = SystemCallOpenAt2(OpenAt2Call, folder, relative, ref how, (nuint)Marshal.SizeOf<OpenHow>());
        return Result(descriptor, out file);
    }

    /// <summary>
    /// Opens a file for reading without following a link at its last part and without waiting on a FIFO.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="file">The opened file, when the result is 0.</param>
    /// <returns>0, or the errno that says why not (<see cref="Link"/> for a symbolic link).</returns>
    public static int OpenWithoutFollowing(string path, out SafeFileHandle? file) =>
        Result(Open(path, ReadOnly | NonBlocking | NoControllingTerminal | NoFollow | CloseOnExec), out file);

    /// <summary>
    /// Opens a file for reading without waiting on a FIFO (links are followed).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="file">The opened file, when the result is 0.</param>
    /// <returns>0, or the errno that says why not.</returns>
    public static int OpenWithoutBlocking(string path, out SafeFileHandle? file) =>
        Result(Open(path, ReadOnly | NonBlocking | NoControllingTerminal | CloseOnExec), out file);

    /// <summary>
    /// Syncs a folder's entries to the medium (fsync(2) on the folder), so that a file created, renamed
    /// or deleted in it stays so after a power cut; .NET has no API for this.
    /// </summary>
    /// <param name="folder">The folder.</param>
    /// <exception cref="IOException">The folder cannot be opened or synced.</exception>
    public static void SyncFolder(string folder)
    {
        int descriptor = Open(folder, ReadOnly | FolderOnly | CloseOnExec);
        if (descriptor < 0)
        {
            throw new IOException($"open {folder} failed: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"fsync {folder} failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            Close(descriptor);
        }
    }

    /// <summary>
    /// Tells whether an opened file is a regular file: not a FIFO, a device, a socket or a folder.
    /// </summary>
    /// <param name="file">The opened file.</param>
    /// <returns>True for a regular file.</returns>
    public static bool IsRegularFile(SafeFileHandle file)
    {
        byte[] status = new byte[256];
        if (Statx(file, string.Empty, EmptyPath, StatxType, status) != 0)
        {
            throw new IOException($"Cannot read a file's type (errno {Marshal.GetLastPInvokeError()}).");
        }

        return (BitConverter.ToUInt16(status, StatxModeOffset) & TypeMask) == RegularFile;
    }

    private static int Result(long descriptor, out SafeFileHandle? file)
    {
        if (descriptor < 0)
        {
            file = null;
            return Marshal.GetLastPInvokeError();
        }

        file = new SafeFileHandle((nint)descriptor, ownsHandle: true);
        return 0;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    // glibc has no openat2 wrapper; syscall(2) passes the arguments in registers as they are.
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long SystemCallOpenAt2(long number, SafeFileHandle folder, string path, ref OpenHow how, nuint size);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(SafeFileHandle file, string path, int flags, uint mask, [Out] byte[] status);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int descriptor);
}
