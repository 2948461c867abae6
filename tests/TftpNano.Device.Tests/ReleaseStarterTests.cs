using System;
using System.Reflection;
using TftpNano.Boot;
using TftpNano.Update;
using TftpNano.Update.Manifest;
using nanoFramework.TestFramework;

namespace TftpNano.Device.Tests
{
    /// <summary>
    /// Starting a release: every assembly file is read whole before the first load, a load that fails
    /// once is tried again, one that fails twice names its file, and the entry point runs last.
    /// </summary>
    [TestClass]
    public class ReleaseStarterTests
    {
        private const string Digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

        [TestMethod]
        public void ReadsEveryAssemblyBeforeLoadingAndRetriesAFailedLoadOnce()
        {
            MemoryStorage storage = Release();
            int loads = 0;
            string log = string.Empty;
            int openedAtFirstLoad = -1;
            StartedApplication.Starts = 0;
            ReleaseStarter starter = new ReleaseStarter(storage, delegate(byte[] image)
            {
                if (openedAtFirstLoad < 0)
                {
                    openedAtFirstLoad = storage.FilesOpened;
                }

                loads++;
                if (loads == 1)
                {
                    throw new InvalidOperationException("not now");
                }

                return typeof(StartedApplication).Assembly;
            }, delegate(string message) { log += message; });

            starter.Start("r1", Manifest());

            Assert.AreEqual(2, openedAtFirstLoad, "both .pe files read, the notes not");
            Assert.AreEqual(3, loads, "the first load tried twice, the second once");
            Assert.AreEqual(1, StartedApplication.Starts);
            Assert.Contains("loading Drivers.pe failed (", log);
            Assert.Contains("trying once more.", log);
        }

        [TestMethod]
        public void ALoadThatFailsTwiceNamesItsFileAndStartsNothing()
        {
            StartedApplication.Starts = 0;
            ReleaseStarter starter = new ReleaseStarter(Release(), delegate(byte[] image)
            {
                throw new InvalidOperationException("bad image");
            }, delegate(string message) { });

            string refused = Refusal(starter, Manifest());

            Assert.Contains("Drivers.pe did not load, twice:", refused);
            Assert.AreEqual(0, StartedApplication.Starts);
        }

        [TestMethod]
        public void AMissingEntryPointIsNamed()
        {
            ReleaseStarter starter = new ReleaseStarter(Release(), delegate(byte[] image) { return typeof(StartedApplication).Assembly; }, delegate(string message) { });
            ReleaseManifest manifest = Manifest("TftpNano.Device.Tests.NoSuchType.Main");

            string refused = Refusal(starter, manifest);

            Assert.Contains("No assembly of the release defines TftpNano.Device.Tests.NoSuchType.", refused);
        }

        // The message of the InvalidOperationException the start ends with.
        private static string Refusal(ReleaseStarter starter, ReleaseManifest manifest)
        {
            try
            {
                starter.Start("r1", manifest);
            }
            catch (InvalidOperationException e)
            {
                return e.Message;
            }

            Assert.IsTrue(false, "the release started");
            return null;
        }

        private static MemoryStorage Release()
        {
            MemoryStorage storage = new MemoryStorage();
            storage.CreateFolder("r1");
            Write(storage, "r1/Drivers.pe", 300);
            Write(storage, "r1/App.pe", 200);
            Write(storage, "r1/notes.txt", 10);
            return storage;
        }

        private static ReleaseManifest Manifest()
        {
            return Manifest("TftpNano.Device.Tests.StartedApplication.Main");
        }

        private static ReleaseManifest Manifest(string entry)
        {
            byte[] text = System.Text.Encoding.UTF8.GetBytes("tftpnano-manifest 1\nversion 1.0\nentry " + entry + "\n"
                + "file Drivers.pe 300 " + Digest + "\nfile notes.txt 10 " + Digest + "\nfile App.pe 200 " + Digest + "\n");
            return ReleaseManifest.Parse(text, text.Length);
        }

        private static void Write(MemoryStorage storage, string path, int length)
        {
            System.IO.Stream stream = storage.CreateFile(path, length);
            stream.Write(new byte[length], 0, length);
            stream.Close();
        }
    }

    /// <summary>
    /// The entry point the tests start.
    /// </summary>
    public static class StartedApplication
    {
        /// <summary>How often <see cref="Main"/> ran.</summary>
        public static int Starts;

        /// <summary>The entry point.</summary>
        public static void Main()
        {
            Starts++;
        }
    }
}
