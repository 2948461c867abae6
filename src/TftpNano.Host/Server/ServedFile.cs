using Microsoft.Win32.SafeHandles;

namespace TftpNano.Host.Server;

/// <summary>
/// A regular file opened for one transfer, at the length it had when it was opened.
/// </summary>
/// <remarks>
/// .NET reports a FIFO or a device in the served folder as an ordinary file, and opening a FIFO waits
/// for a writer, which would hang the transfer's thread for good. So on Linux the file is opened
/// without blocking (O_NONBLOCK) and refused unless the opened descriptor is a regular file
/// (<see cref="LinuxFiles"/>); elsewhere unless it is seekable and, when it claims to be empty, really
/// is (a character device such as /dev/zero claims 0 bytes and reads forever). Whatever the file does
/// later, the transfer sends exactly the length it had at the open.
/// </remarks>
internal sealed class ServedFile : IDisposable
{
    private readonly FileStream _stream;

    private ServedFile(FileStream stream, long length)
    {
        _stream = stream;
        Length = length;
    }

    /// <summary>Gets the file's length when it was opened: what the transfer sends.</summary>
    public long Length { get; }

    /// <summary>
    /// Opens a file for reading by its path.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The file, or null when it is not a regular file.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static ServedFile? Open(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return Open(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read));
        }

        int error = LinuxFiles.OpenWithoutBlocking(path, out SafeFileHandle? handle);
        return error switch
        {
            0 => Open(handle!),
            LinuxFiles.PermissionDenied => throw new UnauthorizedAccessException($"Access to '{path}' is denied."),
            LinuxFiles.NoSuchFile => throw new FileNotFoundException($"'{path}' does not exist.", path),
            _ => throw new IOException($"Cannot open '{path}' (errno {error})."),
        };
    }

    /// <summary>
    /// Takes an opened file for a transfer, or closes it and returns null when it is not a regular file.
    /// </summary>
    /// <param name="handle">The file, opened for reading; the result owns it.</param>
    /// <returns>The file, or null.</returns>
    public static ServedFile? Open(SafeFileHandle handle)
    {
        FileStream? stream = null;
        try
        {
            if (OperatingSystem.IsLinux() && !LinuxFiles.IsRegularFile(handle))
            {
                handle.Dispose();
                return null;
            }

            stream = new FileStream(handle, FileAccess.Read, 1);
            if (!stream.CanSeek)
            {
                stream.Dispose();
                return null;
            }

            long length = stream.Length;
            if (length == 0 && stream.ReadByte() >= 0)
            {
                stream.Dispose();
                return null;
            }

            return new ServedFile(stream, length);
        }
        catch
        {
            if (stream is null)
            {
                handle.Dispose();
            }
            else
            {
                stream.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Reads the bytes of a block: up to the buffer's length from a position, never past <see cref="Length"/>.
    /// </summary>
    /// <param name="buffer">Where to read to.</param>
    /// <param name="position">Where in the file.</param>
    /// <returns>How many bytes were read.</returns>
    public int Read(Span<byte> buffer, long position)
    {
        int count = (int)Math.Clamp(Length - position, 0, buffer.Length);
        if (_stream.Position != position)
        {
            _stream.Position = position;
        }

        int read = _stream.ReadAtLeast(buffer[..count], count, throwOnEndOfStream: false);
        if (read < count)
        {
            throw new IOException($"The file shrank while it was served: {read} of {count} bytes at {position}.");
        }

        return read;
    }

    /// <inheritdoc/>
    public void Dispose() => _stream.Dispose();
}
