using System;
using System.IO;
using TftpNano.Update;
using TftpNano.Update.Storage;
using nanoFramework.TestFramework;

namespace TftpNano.Device.Tests
{
    /// <summary>
    /// The storage on a real file system: littlefs <c>I:\</c> in the interpreter, a temporary folder on
    /// the host. Paths, listings and failures are where the runtimes differ, so they are tested here.
    /// </summary>
    [TestClass]
    public class FileSystemStorageTests
    {
        [TestMethod]
        public void FoldersAreListedByTheirOwnNames()
        {
            FileSystemStorage storage = new FileSystemStorage(FreshFolder("list"));
            storage.CreateFolder("r1");
            storage.CreateFolder("staging");

            string[] folders = storage.GetFolders();

            Assert.AreEqual(2, folders.Length);
            Assert.IsTrue(Contains(folders, "r1"), Join(folders));
            Assert.IsTrue(Contains(folders, "staging"), Join(folders));
        }

        [TestMethod]
        public void AFileWrittenIsReadBackUnderItsPath()
        {
            FileSystemStorage storage = new FileSystemStorage(FreshFolder("files"));
            storage.CreateFolder("r1");
            Stream output = storage.CreateFile("r1/app.pe", 3);
            output.Write(new byte[] { 1, 2, 3 }, 0, 3);
            output.Close();

            Assert.IsTrue(storage.FileExists("r1/app.pe"));
            Stream input = storage.OpenRead("r1/app.pe");
            byte[] back = new byte[8];
            int read = input.Read(back, 0, back.Length);
            input.Close();
            Assert.AreEqual(3, read);
            Assert.AreEqual((byte)3, back[2]);
        }

        [TestMethod]
        public void AFailureNamesTheOperationThePathAndWhatWasThrown()
        {
            FileSystemStorage storage = new FileSystemStorage(FreshFolder("missing"));

            StorageException e = null;
            try
            {
                storage.OpenRead("r9/absent.pe");
            }
            catch (StorageException caught)
            {
                e = caught;
            }

            Assert.IsNotNull(e, "a missing file is a StorageException on every runtime");
            Assert.IsTrue(e.Message.IndexOf("Opening ") == 0, e.Message);
            Assert.IsTrue(e.Message.IndexOf("absent.pe failed: System.") > 0, e.Message);
            Assert.IsTrue(e is IOException);
        }

        [TestMethod]
        public void TheFreeSpaceIsUnknown()
        {
            Assert.AreEqual(-1L, new FileSystemStorage(FreshFolder("space")).GetFreeSpace());
        }

        [TestMethod]
        public void OnlyTheActiveAndThePreviousReleaseAreKept()
        {
            FileSystemStorage storage = new FileSystemStorage(FreshFolder("store"));
            MemoryTftpPeer peer = new MemoryTftpPeer();
            string[] versions = new string[] { "1.0.0", "1.0.1", "1.0.2", "1.0.3" };
            for (int i = 0; i < versions.Length; i++)
            {
                UpdaterDecisionTests.Publish(peer, versions[i], UpdaterDecisionTests.Text("blinky " + versions[i]));
                UpdateResult result = UpdaterDecisionTests.Boot(storage, peer);
                Assert.AreEqual((int)UpdateOutcome.Installed, (int)result.Outcome, result.Message);
                ReleaseStore installed = UpdaterDecisionTests.Inspect(storage);
                installed.Confirm();
            }

            ReleaseStore store = UpdaterDecisionTests.Inspect(storage);
            string[] folders = storage.GetFolders();
            Assert.AreEqual(2, folders.Length, Join(folders));
            Assert.IsTrue(Contains(folders, store.State.Active), Join(folders));
            Assert.IsTrue(Contains(folders, store.State.Previous), Join(folders));
            Assert.IsNull(store.VerifyActive());
        }

        [TestMethod]
        public void ChildNamesComeOutTheSameWithOrWithoutASeparator()
        {
            Assert.AreEqual("r1", FileSystemStorage.ChildName("I:\\tftpnano", "I:\\tftpnanor1"));
            Assert.AreEqual("r1", FileSystemStorage.ChildName("I:\\tftpnano", "I:\\tftpnano\\r1"));
            Assert.AreEqual("r1", FileSystemStorage.ChildName("I:\\tftpnano\\", "I:\\tftpnano\\r1"));
            Assert.AreEqual("r1", FileSystemStorage.ChildName("/tmp/tftpnano", "/tmp/tftpnano/r1"));
            Assert.AreEqual("r1", FileSystemStorage.ChildName("elsewhere", "D:\\x\\r1"));
        }

#if NANOFRAMEWORK_1_0
        [TestMethod]
        public void AFullVolumeIsAStorageFailureSayingSoAndNamingTheFile()
        {
            // littlefs reports a full volume as a bare System.Exception; the storage finds out that the
            // volume has no room and says so.
            FileSystemStorage storage = new FileSystemStorage(FreshFolder("full"));
            Stream output = storage.CreateFile("filler.bin", 0);
            byte[] block = new byte[4096];
            StorageException e = null;
            try
            {
                // The volume is 1 MiB: 512 blocks of 4 KiB are twice that.
                for (int i = 0; i < 512; i++)
                {
                    output.Write(block, 0, block.Length);
                    output.Flush();
                }
            }
            catch (StorageException caught)
            {
                e = caught;
            }

            try
            {
                output.Close();
            }
            catch (StorageException)
            {
            }

            storage.DeleteFile("filler.bin");
            Assert.IsNotNull(e, "the volume never filled up");
            Assert.IsTrue(e.VolumeFull, e.Message);
            Assert.IsTrue(e.Message.IndexOf("The volume is full: writing I:\\t-full\\filler.bin failed (System.Exception") == 0, e.Message);
            Assert.IsFalse(File.Exists("I:\\t-full\\room.probe"));

            // With the room back, a write succeeds again: the probe left nothing behind.
            Stream again = storage.CreateFile("again.bin", 0);
            again.Write(block, 0, block.Length);
            again.Close();
            storage.DeleteFile("again.bin");
        }

#endif
        private static string FreshFolder(string name)
        {
#if NANOFRAMEWORK_1_0
            string folder = "I:\\t-" + name;
#else
            string folder = Path.Combine(Path.GetTempPath(), "tftpnano-device-" + name + "-" + Guid.NewGuid().ToString("N"));
#endif
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, true);
            }

            return folder;
        }

        private static bool Contains(string[] names, string name)
        {
            for (int i = 0; i < names.Length; i++)
            {
                if (names[i] == name)
                {
                    return true;
                }
            }

            return false;
        }

        private static string Join(string[] names)
        {
            string joined = string.Empty;
            for (int i = 0; i < names.Length; i++)
            {
                joined += (i == 0 ? string.Empty : ",") + names[i];
            }

            return joined;
        }
    }
}
