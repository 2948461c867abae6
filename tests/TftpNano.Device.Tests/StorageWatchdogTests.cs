using System;
using System.IO;
using System.Threading;
using TftpNano.Application;
using TftpNano.Boot;
using TftpNano.Transfer;
using TftpNano.Update;
using TftpNano.Update.Manifest;
using TftpNano.Update.Storage;
using TftpNano.Update.Streams;
using nanoFramework.TestFramework;

namespace TftpNano.Device.Tests
{
    /// <summary>
    /// The boot's last resort against a storage call that never returns, as a native file write that
    /// waits for ever: the device restarts within the bound, and the next boot starts the active
    /// release without fetching the one that stalled.
    /// </summary>
    [TestClass]
    public class StorageWatchdogTests
    {
        private const string Settings = "server=127.0.0.1\nchannel=fw\npublickey=none\nblksize=512\nstorage.wait=5\n";

        [TestMethod]
        public void AWriteThatNeverReturnsRestartsTheDeviceAndTheReleaseIsNotFetchedAgain()
        {
            MemoryStorage storage = new MemoryStorage();
            MemoryTftpPeer peer = new MemoryTftpPeer();
            UpdaterDecisionTests.Publish(peer, "1.0", UpdaterDecisionTests.Text("blinky one"));
            UpdaterDecisionTests.Boot(storage, peer);
            UpdaterDecisionTests.Publish(peer, "2.0", UpdaterDecisionTests.Text("blinky two, a little longer"));

            StallAndRestart(storage, peer);
            AssertActiveAndStalledRemembered(storage);

            int asked = peer.Requested.Length;
            StallingStorage unstalled = new StallingStorage(storage, null);
            RecordingPlatform next = new RecordingPlatform(unstalled, peer);
            BootReport report = new BootSequence(next).Run();

            // ApplicationHealth keeps the started release, as for an application on a device: the
            // storage and the server it reaches are let go, so that the tests after this one have the heap.
            unstalled.Forget();
            next.Forget();
            Assert.AreEqual((int)BootOutcome.Launched, (int)report.Outcome, next.Lines);
            Assert.AreEqual("1.0", report.Version);
            Assert.AreEqual((int)UpdateOutcome.Skipped, (int)report.Update.Outcome, report.Update.Message);
            Assert.AreEqual("|fw/manifest", peer.Requested.Substring(asked));
            Assert.AreEqual(0, next.Restarts);
        }

        // The boot whose write never returns, until the watchdog restarts the device; its objects go
        // with this method, so that the next boot has the heap a device's next boot would have.
        private static void StallAndRestart(MemoryStorage storage, MemoryTftpPeer peer)
        {
            StallingStorage stalling = new StallingStorage(storage, "Blinky.pe");
            RecordingPlatform platform = new RecordingPlatform(stalling, peer);
            BootRun held = new BootRun(new BootSequence(platform));
            Thread boot = new Thread(held.Run);
            boot.Start();
            for (int i = 0; i < 300 && platform.Restarts == 0; i++)
            {
                Thread.Sleep(100);
            }

            Assert.AreEqual(1, platform.Restarts, platform.Lines);
            Assert.IsTrue(platform.Lines.IndexOf("storage: Writing r") >= 0, platform.Lines);
            Assert.IsTrue(platform.Lines.IndexOf("/Blinky.pe has not returned in 5 s; restarting.") > 0, platform.Lines);
            Assert.IsTrue(platform.Lines.IndexOf(
                "storage: the release being installed is not fetched again until the server offers another manifest.") > 0, platform.Lines);
            Assert.IsNull(held.Report, "the boot is still held in the write");

            stalling.Release();
            Assert.IsTrue(boot.Join(30000));
            stalling.Forget();
            platform.Forget();
        }

        private static void AssertActiveAndStalledRemembered(MemoryStorage storage)
        {
            ReleaseStore store = new ReleaseStore(storage);
            store.Recover();
            Assert.AreEqual("1.0", store.ActiveManifest.Version.ToString());
            Assert.IsNotNull(store.State.TooLarge);
        }

        private sealed class BootRun
        {
            private readonly BootSequence _boot;

            public BootRun(BootSequence boot)
            {
                _boot = boot;
            }

            public BootReport Report { get; private set; }

            public void Run()
            {
                Report = _boot.Run();
            }
        }

        // The hardware steps, done in memory and recorded.
        private sealed class RecordingPlatform : IBootPlatform
        {
            private readonly object _lock = new object();
            private IUpdateStorage _storage;
            private IDatagramTransportFactory _transports;
            private string _lines = string.Empty;
            private int _restarts;

            public RecordingPlatform(IUpdateStorage storage, IDatagramTransportFactory transports)
            {
                _storage = storage;
                _transports = transports;
            }

            public void Forget()
            {
                _storage = null;
                _transports = null;
            }

            public string Lines
            {
                get
                {
                    lock (_lock)
                    {
                        return _lines;
                    }
                }
            }

            public int Restarts
            {
                get { return Interlocked.CompareExchange(ref _restarts, 0, 0); }
            }

            public byte[] HardwareAddress
            {
                get { return new byte[] { 0x24, 0x0a, 0xc4, 0x12, 0x34, 0x56 }; }
            }

            public string FirmwareVersion
            {
                get { return null; }
            }

            public IDatagramTransportFactory Transports
            {
                get { return _transports; }
            }

            public Stream OpenSettings()
            {
                return new MemoryStream(TestBytes.Ascii(Settings));
            }

            public bool ConnectNetwork(DeviceSettings settings, int timeoutMs)
            {
                return true;
            }

            public IUpdateStorage MountStorage(DeviceSettings settings)
            {
                return _storage;
            }

            public Version FindAssembly(string name)
            {
                return null;
            }

            public void Launch(DeviceSettings settings, string folder, ReleaseManifest manifest)
            {
            }

            public void Restart()
            {
                Interlocked.Increment(ref _restarts);
            }

            public void Log(string message)
            {
                lock (_lock)
                {
                    _lines += message + "\n";
                }
            }
        }

        // A storage whose first write to one file (if it names one) waits until the test releases it, as
        // a card whose driver never completes a write; released, that write fails.
        private sealed class StallingStorage : IUpdateStorage
        {
            private readonly string _stalledName;
            private IUpdateStorage _inner;
            private readonly ManualResetEvent _released = new ManualResetEvent(false);
            private int _stalls;

            public StallingStorage(IUpdateStorage inner, string stalledName)
            {
                _inner = inner;
                _stalledName = stalledName;
            }

            public void Release()
            {
                _released.Set();
            }

            public void Forget()
            {
                _inner = null;
            }

            public bool FileExists(string path)
            {
                return _inner.FileExists(path);
            }

            public string[] GetFolders()
            {
                return _inner.GetFolders();
            }

            public Stream OpenRead(string path)
            {
                return _inner.OpenRead(path);
            }

            public Stream CreateFile(string path, long length)
            {
                Stream file = _inner.CreateFile(path, length);
                return _stalledName != null && path.EndsWith("/" + _stalledName) ? new Held(this, file) : file;
            }

            public void CreateFolder(string path)
            {
                _inner.CreateFolder(path);
            }

            public void DeleteFile(string path)
            {
                _inner.DeleteFile(path);
            }

            public void DeleteFolder(string path)
            {
                _inner.DeleteFolder(path);
            }

            public long GetFreeSpace()
            {
                return _inner.GetFreeSpace();
            }

            private sealed class Held : WriteOnlyStream
            {
                private readonly StallingStorage _owner;
                private readonly Stream _file;

                public Held(StallingStorage owner, Stream file)
                {
                    _owner = owner;
                    _file = file;
                }

                public override long Length
                {
                    get { return _file.Length; }
                }

                public override void Write(byte[] buffer, int offset, int count)
                {
                    if (Interlocked.Increment(ref _owner._stalls) == 1)
                    {
                        _owner._released.WaitOne(120000, false);
                        throw new IOException("The card stopped answering.");
                    }

                    _file.Write(buffer, offset, count);
                }

                public override void Flush()
                {
                    _file.Flush();
                }

                protected override void Dispose(bool disposing)
                {
                    if (disposing)
                    {
                        _file.Dispose();
                    }

                    base.Dispose(disposing);
                }
            }
        }
    }
}
