namespace TftpNano.Tests.Support;

/// <summary>
/// Deterministic file content: every byte is a function of its position, so a download can be checked
/// while it streams, without keeping a copy.
/// </summary>
internal static class TestContent
{
    public static byte ByteAt(long position, int seed) => (byte)(((ulong)(position + seed) * 0x9E3779B97F4A7C15UL) >> 56);

    public static byte[] Create(long size, int seed = 0)
    {
        var bytes = new byte[size];
        for (long i = 0; i < size; i++)
        {
            bytes[i] = ByteAt(i, seed);
        }

        return bytes;
    }

    public static string WriteFile(string folder, string name, long size, int seed = 0)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, Create(size, seed));
        return path;
    }
}

/// <summary>
/// A destination that checks every byte against <see cref="TestContent"/> and keeps nothing.
/// </summary>
public sealed class VerifyingStream(int seed = 0) : Stream
{
    public long FirstMismatch { get; private set; } = -1;

    public int Writes { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => Position;

    public override long Position { get; set; }

    public override void Write(byte[] buffer, int offset, int count)
    {
        Writes++;
        for (int i = 0; i < count; i++)
        {
            if (FirstMismatch < 0 && buffer[offset + i] != TestContent.ByteAt(Position + i, seed))
            {
                FirstMismatch = Position + i;
            }
        }

        Position += count;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>
/// A destination that fails like a full or pulled card once a number of bytes were written.
/// </summary>
internal sealed class FailingStream(long failAfter) : Stream
{
    public MemoryStream Written { get; } = new();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => Written.Length;

    public override long Position { get => Written.Position; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (Written.Length + count > failAfter)
        {
            throw new IOException("No space left on device.");
        }

        Written.Write(buffer, offset, count);
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
