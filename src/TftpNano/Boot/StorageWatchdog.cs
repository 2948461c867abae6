using System;
using System.IO;
using System.Threading;
using TftpNano.Update;
using TftpNano.Update.Storage;

namespace TftpNano.Boot
{
    /// <summary>
    /// Tells the boot that a storage call has not returned within a bound.
    /// </summary>
    /// <param name="operation">What the call was doing, for example <c>Writing</c>.</param>
    /// <param name="path">The file or folder it was doing it to.</param>
    internal delegate void StorageStallHandler(string operation, string path);

    /// <summary>
    /// The update's storage, watched: every call through it (and through the streams it returns) is
    /// counted in and out, and a thread of its own reports a call still in progress after a bound.
    /// </summary>
    /// <remarks>
    /// The last resort behind the space reservation of a card (see <see cref="FileSystemStorage"/>):
    /// nanoFramework's native file write waits for its I/O with no timeout (System.IO.FileSystem,
    /// <c>NativeFileStream</c>, <c>FS_DEFAULT_TIMEOUT</c> of -1), so a driver that never completes one
    /// would hold the boot for ever and the installed release would never start. Nothing can interrupt a
    /// native call; the handler can only record what happened and restart the device. Counting costs
    /// two interlocked increments and two field stores per call, and no allocation.
    /// </remarks>
    internal sealed class StorageWatchdog : IUpdateStorage
    {
        private const string Checking = "Checking";
        private const string Listing = "Listing";
        private const string Opening = "Opening";
        private const string Creating = "Creating";
        private const string CreatingFolder = "Creating folder";
        private const string Deleting = "Deleting";
        private const string DeletingFolder = "Deleting folder";
        private const string Measuring = "Measuring free space of";
        internal const string Reading = "Reading";
        internal const string Writing = "Writing";
        internal const string Flushing = "Flushing";
        internal const string Closing = "Closing";

        // How often the watching thread looks: the bound is counted in these steps.
        private const int LookMilliseconds = 1000;

        private readonly IUpdateStorage _storage;
        private readonly int _boundSeconds;
        private readonly StorageStallHandler _stalled;
        private readonly AutoResetEvent _stop = new AutoResetEvent(false);
        private int _entered;
        private int _returned;

        // What the call in progress does, kept for the report; written before the call is counted in.
        private string _operation;
        private string _path;

        /// <summary>
        /// Watches a storage and starts the watching thread.
        /// </summary>
        /// <param name="storage">The storage to watch.</param>
        /// <param name="boundSeconds">How long a call may take.</param>
        /// <param name="stalled">Called once, on the watching thread, for a call that took longer.</param>
        public StorageWatchdog(IUpdateStorage storage, int boundSeconds, StorageStallHandler stalled)
        {
            _storage = storage;
            _boundSeconds = boundSeconds;
            _stalled = stalled;
            new Thread(Watch).Start();
        }

        /// <summary>
        /// Stops watching; the thread ends at once. Calls still made through the storage are not watched.
        /// </summary>
        public void Stop()
        {
            _stop.Set();
        }

        /// <inheritdoc/>
        public bool FileExists(string path)
        {
            Enter(Checking, path);
            try
            {
                return _storage.FileExists(path);
            }
            finally
            {
                Leave();
            }
        }

        /// <inheritdoc/>
        public string[] GetFolders()
        {
            Enter(Listing, string.Empty);
            try
            {
                return _storage.GetFolders();
            }
            finally
            {
                Leave();
            }
        }

        /// <inheritdoc/>
        public Stream OpenRead(string path)
        {
            Enter(Opening, path);
            try
            {
                return new WatchedStream(_storage.OpenRead(path), path, this);
            }
            finally
            {
                Leave();
            }
        }

        /// <inheritdoc/>
        public Stream CreateFile(string path, long length)
        {
            Enter(Creating, path);
            try
            {
                return new WatchedStream(_storage.CreateFile(path, length), path, this);
            }
            finally
            {
                Leave();
            }
        }

        /// <inheritdoc/>
        public void CreateFolder(string path)
        {
            Enter(CreatingFolder, path);
            try
            {
                _storage.CreateFolder(path);
            }
            finally
            {
                Leave();
            }
        }

        /// <inheritdoc/>
        public void DeleteFile(string path)
        {
            Enter(Deleting, path);
            try
            {
                _storage.DeleteFile(path);
            }
            finally
            {
                Leave();
            }
        }

        /// <inheritdoc/>
        public void DeleteFolder(string path)
        {
            Enter(DeletingFolder, path);
            try
            {
                _storage.DeleteFolder(path);
            }
            finally
            {
                Leave();
            }
        }

        /// <inheritdoc/>
        public long GetFreeSpace()
        {
            Enter(Measuring, string.Empty);
            try
            {
                return _storage.GetFreeSpace();
            }
            finally
            {
                Leave();
            }
        }

        /// <summary>
        /// Counts a call in.
        /// </summary>
        /// <param name="operation">What it does.</param>
        /// <param name="path">What it does it to.</param>
        internal void Enter(string operation, string path)
        {
            _operation = operation;
            _path = path;
            Interlocked.Increment(ref _entered);
        }

        /// <summary>
        /// Counts the call out.
        /// </summary>
        internal void Leave()
        {
            Interlocked.Increment(ref _returned);
        }

        // A call is stalled when the same one is still in progress at every look for the whole bound.
        private void Watch()
        {
            int watched = 0;
            int looks = 0;
            while (!_stop.WaitOne(LookMilliseconds, false))
            {
                int entered = Interlocked.CompareExchange(ref _entered, 0, 0);
                int returned = Interlocked.CompareExchange(ref _returned, 0, 0);
                if (entered == returned || entered != watched)
                {
                    watched = entered;
                    looks = 0;
                    continue;
                }

                looks++;
                if (looks * LookMilliseconds >= _boundSeconds * 1000)
                {
                    _stalled(_operation, _path);
                    return;
                }
            }
        }
    }
}
