using TftpNano.Cli.Update;
using TftpNano.Host.Update;
using TftpNano.Update;
using TftpNano.Update.Storage;

namespace TftpNano.Tests.Support;

/// <summary>The power failed: nothing after this point reached the storage.</summary>
internal sealed class PowerCutException() : Exception("power cut");

/// <summary>
/// A host folder behind the update storage seam that counts every operation that changes the storage
/// and can cut the power after any one of them or in the middle of one, fill up, or report a chosen free space.
/// </summary>
internal sealed class FaultyStorage(string root) : IUpdateStorage
{
    private readonly HostStorage _inner = new(root);

    /// <summary>Operations that changed (or would have changed) the storage so far.</summary>
    public int Operations { get; private set; }

    /// <summary>When set, operation number CutAfter + 1 and everything after it fail: the power is gone.</summary>
    public int? CutAfter { get; init; }

    /// <summary>
    /// When set, the power goes in the middle of operation CutAfter + 1, which is left half done: a
    /// write keeps the first half of its bytes, a deleted folder loses only the first half of its
    /// files (rounded up) and stays, a created file is left empty, a created folder or deleted file is done.
    /// </summary>
    public bool CutInside { get; init; }

    /// <summary>When set, writes fail once this many bytes have been written, as on a full card.</summary>
    public long? Capacity { get; init; }

    /// <summary>When set, deleting a release folder (<c>rN</c>) that exists fails, as on a card whose file system went read-only.</summary>
    public bool ReleaseFoldersCannotBeDeleted { get; init; }

    /// <summary>When set, the free space reported to the updater.</summary>
    public long? ReportedFreeSpace { get; init; }

    public bool PowerIsCut => CutAfter is int cut && Operations >= cut;

    private long _bytesWritten;
    private bool _cutHappened;

    public bool FileExists(string path) => Read(() => _inner.FileExists(path));

    public string[] GetFolders() => Read(_inner.GetFolders);

    public Stream OpenRead(string path) => Read(() => _inner.OpenRead(path));

    public Stream CreateFile(string path, long length)
    {
        Change(halfDone: () => _inner.CreateFile(path, 0).Dispose());
        return new CountingStream(this, _inner.CreateFile(path, length));
    }

    public void CreateFolder(string path) => Change(() => _inner.CreateFolder(path), () => _inner.CreateFolder(path));

    public void DeleteFile(string path) => Change(() => _inner.DeleteFile(path), () => _inner.DeleteFile(path));

    public void DeleteFolder(string path) => Change(() =>
    {
        if (ReleaseFoldersCannotBeDeleted && path.StartsWith('r') && Directory.Exists(Path.Combine(root, path)))
        {
            throw new IOException("Deleting " + path + " failed.");
        }

        _inner.DeleteFolder(path);
    }, () =>
    {
        string folder = Path.Combine(root, path);
        if (Directory.Exists(folder))
        {
            string[] files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToArray();
            foreach (string file in files.Take((files.Length + 1) / 2))
            {
                File.Delete(file);
            }
        }
    });

    public long GetFreeSpace() => Read(() => ReportedFreeSpace ?? _inner.GetFreeSpace());

    private T Read<T>(Func<T> read)
    {
        if (PowerIsCut)
        {
            _cutHappened = true;
            throw new PowerCutException();
        }

        return read();
    }

    // The operation runs whole before the cut; the one the cut falls on runs halfDone when cutting inside.
    private void Change(Action? change = null, Action? halfDone = null)
    {
        if (PowerIsCut)
        {
            if (CutInside && !_cutHappened)
            {
                halfDone?.Invoke();
            }

            _cutHappened = true;
            throw new PowerCutException();
        }

        Operations++;
        change?.Invoke();
    }

    private sealed class CountingStream(FaultyStorage owner, Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            owner.Change(halfDone: () => inner.Write(buffer, offset, count / 2));
            if (owner.Capacity is long capacity && owner._bytesWritten + count > capacity)
            {
                throw new IOException("No space left on device");
            }

            owner._bytesWritten += count;
            inner.Write(buffer, offset, count);
        }

        public override void Flush()
        {
            if (!owner.PowerIsCut)
            {
                inner.Flush();
            }
        }

        // Closing releases the host's handle even after a cut; what was written before the cut stays.
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
