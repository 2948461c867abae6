using TftpNano.Security;
using TftpNano.Update;
using TftpNano.Update.Manifest;
using TftpNano.Update.Storage;
using nanoFramework.TestFramework;

namespace TftpNano.Device.Tests
{
    /// <summary>
    /// The updater's decisions in the interpreter: install, up to date, delta, refusals, trial and
    /// rollback, against storage and a server in memory.
    /// </summary>
    [TestClass]
    public class UpdaterDecisionTests
    {
        private static readonly byte[] Drivers = DownloadEngineTests.Pattern(3000);
        private static readonly byte[] Blinky1 = Text("blinky one");
        private static readonly byte[] Blinky2 = Text("blinky two, a little longer");

        [TestMethod]
        public void InstallsOnEmptyStorageAndStartsOnTrial()
        {
            MemoryStorage storage = new MemoryStorage();
            MemoryTftpPeer peer = new MemoryTftpPeer();
            Publish(peer, "1.0", Blinky1);

            UpdateResult result = Boot(storage, peer);

            Assert.AreEqual((int)UpdateOutcome.Installed, (int)result.Outcome, result.Message);
            Assert.AreEqual("1.0", result.ActiveVersion);
            Assert.AreEqual(2, result.FilesDownloaded);
            Assert.AreEqual("fw/manifest|fw/Drivers.pe|fw/Blinky.pe", peer.Requested);
            ReleaseStore store = Inspect(storage);
            Assert.IsFalse(store.State.Confirmed);
            Assert.AreEqual(1, store.State.Boots);
            Assert.AreEqual("1.0", store.ActiveManifest.Version.ToString());
            Assert.AreEqual(Blinky1.Length, storage.Read(ReleaseStore.PathOf(store.State.Active, "Blinky.pe")).Length);
            Assert.IsNull(store.VerifyActive(), "every installed file matches the manifest");
        }

        [TestMethod]
        public void TheSameManifestIsUpToDateAndNothingElseIsFetched()
        {
            MemoryStorage storage = new MemoryStorage();
            MemoryTftpPeer peer = new MemoryTftpPeer();
            Publish(peer, "1.0", Blinky1);
            Boot(storage, peer);
            peer.ForgetRequests();
            int created = storage.FilesCreated;

            UpdateResult result = Boot(storage, peer);

            Assert.AreEqual((int)UpdateOutcome.UpToDate, (int)result.Outcome, result.Message);
            Assert.AreEqual("fw/manifest", peer.Requested);
            Assert.AreEqual(created + 1, storage.FilesCreated, "only the record, counting the start");
        }

        [TestMethod]
        public void OnlyTheChangedFileIsFetched()
        {
            MemoryStorage storage = new MemoryStorage();
            MemoryTftpPeer peer = new MemoryTftpPeer();
            Publish(peer, "1.0", Blinky1);
            Boot(storage, peer);
            Inspect(storage).Confirm();
            Publish(peer, "1.1", Blinky2);
            peer.ForgetRequests();

            UpdateResult result = Boot(storage, peer);

            Assert.AreEqual((int)UpdateOutcome.Installed, (int)result.Outcome, result.Message);
            Assert.AreEqual(1, result.FilesDownloaded);
            Assert.AreEqual(1, result.FilesCopied);
            Assert.AreEqual((long)Blinky2.Length, result.BytesDownloaded);
            Assert.AreEqual("fw/manifest|fw/Blinky.pe", peer.Requested);
            ReleaseStore store = Inspect(storage);
            Assert.AreEqual("1.0", store.PreviousVersion());
            Assert.IsNull(store.VerifyActive());
        }

        [TestMethod]
        public void AFileThatDoesNotMatchItsHashIsRefusedAndTheActiveReleaseStays()
        {
            MemoryStorage storage = new MemoryStorage();
            MemoryTftpPeer peer = new MemoryTftpPeer();
            Publish(peer, "1.0", Blinky1);
            Boot(storage, peer);
            Publish(peer, "1.1", Blinky2);
            byte[] swapped = (byte[])Blinky2.Clone();
            swapped[3] ^= 0x20;
            peer.Add("fw/Blinky.pe", swapped);

            UpdateResult result = Boot(storage, peer);

            Assert.AreEqual((int)UpdateOutcome.Refused, (int)result.Outcome);
            Assert.AreEqual((int)UpdateFailure.HashMismatch, (int)result.Failure, result.Message);
            ReleaseStore store = Inspect(storage);
            Assert.AreEqual("1.0", store.ActiveManifest.Version.ToString());
            Assert.IsNull(store.VerifyActive());
        }

        [TestMethod]
        public void ADowngradeIsRefused()
        {
            MemoryStorage storage = new MemoryStorage();
            MemoryTftpPeer peer = new MemoryTftpPeer();
            Publish(peer, "2.0", Blinky2);
            Boot(storage, peer);
            Publish(peer, "1.9", Blinky1);

            UpdateResult result = Boot(storage, peer);

            Assert.AreEqual((int)UpdateOutcome.Refused, (int)result.Outcome);
            Assert.AreEqual((int)UpdateFailure.Downgrade, (int)result.Failure);
            Assert.Contains("older than the installed 2.0", result.Message);
        }

        [TestMethod]
        public void AnUnsignedManifestIsRefusedWhenAKeyIsConfigured()
        {
            MemoryStorage storage = new MemoryStorage();
            MemoryTftpPeer peer = new MemoryTftpPeer();
            Publish(peer, "1.0", Blinky1);
            UpdateSettings settings = Settings();
            settings.PublicKey = RsaPublicKey.Parse(RsaVerificationTests.ModulusBase64);

            UpdateResult result = new FirmwareUpdater(storage, peer, settings).Run();

            Assert.AreEqual((int)UpdateOutcome.Refused, (int)result.Outcome);
            Assert.AreEqual((int)UpdateFailure.SignatureMissing, (int)result.Failure, result.Message);
            Assert.IsNull(Inspect(storage).ActiveManifest, "nothing was installed");
        }

        [TestMethod]
        public void AnUnconfirmedReleaseIsRolledBackAfterItsTrialBoots()
        {
            MemoryStorage storage = new MemoryStorage();
            MemoryTftpPeer peer = new MemoryTftpPeer();
            Publish(peer, "1.0", Blinky1);
            Boot(storage, peer);
            Inspect(storage).Confirm();
            Publish(peer, "2.0", Blinky2);
            Assert.AreEqual((int)UpdateOutcome.Installed, (int)Boot(storage, peer).Outcome);
            Assert.AreEqual((int)UpdateOutcome.UpToDate, (int)Boot(storage, peer).Outcome);
            Assert.AreEqual((int)UpdateOutcome.UpToDate, (int)Boot(storage, peer).Outcome);

            UpdateResult rollback = Boot(storage, peer);

            Assert.AreEqual("2.0", rollback.RolledBackFrom);
            Assert.AreEqual("1.0", rollback.RolledBackTo);
            Assert.AreEqual((int)UpdateOutcome.Skipped, (int)rollback.Outcome);
            ReleaseStore store = Inspect(storage);
            Assert.IsTrue(store.State.Confirmed);
            Assert.AreEqual("2.0", store.State.Rejected);
            Assert.AreEqual((int)UpdateOutcome.Skipped, (int)Boot(storage, peer).Outcome, "a rolled-back version is not installed again");
        }

        [TestMethod]
        public void EveryRolledBackVersionStaysRefusedNotOnlyTheLast()
        {
            // A server replaying two old signed bad releases must not keep the device cycling through
            // them: what was rolled back sets a floor, and only a newer release installs.
            MemoryStorage storage = new MemoryStorage();
            MemoryTftpPeer peer = new MemoryTftpPeer();
            Publish(peer, "1.0", Blinky1);
            Boot(storage, peer);
            Inspect(storage).Confirm();
            RollBackAfterTrial(storage, peer, "2.0");
            RollBackAfterTrial(storage, peer, "2.1");

            Publish(peer, "2.0", Blinky2);
            UpdateResult replayed = Boot(storage, peer);
            Assert.AreEqual((int)UpdateOutcome.Skipped, (int)replayed.Outcome, replayed.Message);
            Assert.AreEqual("1.0", Inspect(storage).ActiveManifest.Version.ToString());

            Publish(peer, "2.2", Blinky2);
            Assert.AreEqual((int)UpdateOutcome.Installed, (int)Boot(storage, peer).Outcome, "a newer release installs");
        }

        // Offers a release that never confirms itself until it is rolled back to 1.0.
        private static void RollBackAfterTrial(MemoryStorage storage, MemoryTftpPeer peer, string version)
        {
            Publish(peer, version, Blinky2);
            Assert.AreEqual((int)UpdateOutcome.Installed, (int)Boot(storage, peer).Outcome, version);
            Boot(storage, peer);
            Boot(storage, peer);
            UpdateResult rollback = Boot(storage, peer);
            Assert.AreEqual(version, rollback.RolledBackFrom);
            Assert.AreEqual("1.0", rollback.RolledBackTo);
        }

        // The store as the next boot finds it.
        internal static ReleaseStore Inspect(IUpdateStorage storage)
        {
            ReleaseStore store = new ReleaseStore(storage);
            store.Recover();
            return store;
        }

        [TestMethod]
        public void AReleaseTheBootAppCannotStartIsRefusedBeforeAnythingIsFetched()
        {
            // What a boot app built with the kit's release set carries.
            AssemblyVersionLookup carried = delegate(string name)
            {
                return name == "mscorlib" ? new System.Version(1, 17, 11, 0) : name == "TftpNano" ? new System.Version(1, 0, 0, 0) : null;
            };

            Assert.AreEqual(null, Refusal(carried, new RequiredAssembly("mscorlib", 1, 17), "Blinky.pe"));
            Assert.AreEqual("Release 1.0 needs System.Device.Gpio 1.1, which the boot app does not carry.",
                Refusal(carried, new RequiredAssembly("System.Device.Gpio", 1, 1), "Blinky.pe"));
            Assert.AreEqual("Release 1.0 was built against mscorlib 1.16; the boot app carries mscorlib 1.17.11.0.",
                Refusal(carried, new RequiredAssembly("mscorlib", 1, 16), "Blinky.pe"));
            Assert.AreEqual("Release 1.0 ships TftpNano.pe, which the boot app already carries; a second copy would stay in RAM for good.",
                Refusal(carried, new RequiredAssembly("mscorlib", 1, 17), "TftpNano.pe"));
        }

        // Publishes release 1.0 (one file of the given name, needing one assembly) and boots once against
        // a boot app that carries what the lookup finds: the refusal's message, or null when it installed.
        private static string Refusal(AssemblyVersionLookup carried, RequiredAssembly need, string file)
        {
            MemoryStorage storage = new MemoryStorage();
            MemoryTftpPeer peer = new MemoryTftpPeer();
            ReleaseFile[] files = new ReleaseFile[] { new ReleaseFile(file, Blinky1.Length, Sha256.Hash(Blinky1, 0, Blinky1.Length)) };
            peer.Add("fw/manifest", ReleaseManifest.Create("fw", "1.0", "Blinky.Program.Main", new RequiredAssembly[] { need }, files).ToBytes());
            peer.Add("fw/" + file, Blinky1);
            UpdateSettings settings = Settings();
            settings.BootAssemblies = carried;

            UpdateResult result = new FirmwareUpdater(storage, peer, settings).Run();

            if (result.Outcome == UpdateOutcome.Installed)
            {
                return null;
            }

            Assert.AreEqual((int)UpdateFailure.IncompatibleRelease, (int)result.Failure, result.Message);
            Assert.AreEqual("fw/manifest", peer.Requested, "nothing but the manifest was fetched");
            Assert.IsNull(Inspect(storage).ActiveManifest);
            return result.Message;
        }

        internal static UpdateResult Boot(IUpdateStorage storage, MemoryTftpPeer peer)
        {
            // Each boot starts on a compacted heap, as a device's boot does: these tests keep whole
            // releases in a 96 KiB heap, and nanoCLR, left to compact when an allocation finds no
            // room, has corrupted a transfer's data there (a manifest read as longer than its cap).
            nanoFramework.Runtime.Native.GC.Run(true);
            return new FirmwareUpdater(storage, peer, Settings()).Run();
        }

        private static UpdateSettings Settings()
        {
            UpdateSettings settings = new UpdateSettings();
            settings.Server = MemoryTftpPeer.RequestEndPoint;
            settings.Channel = "fw";
            settings.Download = DownloadEngineTests.Settings(512);
            return settings;
        }

        // A release of two files: the same drivers every time, and the given application.
        internal static void Publish(MemoryTftpPeer peer, string version, byte[] blinky)
        {
            ReleaseFile[] files = new ReleaseFile[]
            {
                new ReleaseFile("Drivers.pe", Drivers.Length, Sha256.Hash(Drivers, 0, Drivers.Length)),
                new ReleaseFile("Blinky.pe", blinky.Length, Sha256.Hash(blinky, 0, blinky.Length)),
            };
            peer.Add("fw/manifest", ReleaseManifest.Create("fw", version, "Blinky.Program.Main", files).ToBytes());
            peer.Add("fw/Drivers.pe", Drivers);
            peer.Add("fw/Blinky.pe", blinky);
        }

        internal static byte[] Text(string text)
        {
            return TestBytes.Ascii(text);
        }
    }
}
