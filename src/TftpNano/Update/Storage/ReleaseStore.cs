using System;
using System.IO;
using TftpNano.Security;
using TftpNano.Text;
using TftpNano.Update.Manifest;
using TftpNano.Update.Streams;

namespace TftpNano.Update.Storage
{
    /// <summary>
    /// The installed releases on the device's storage and the only code that changes which one is active.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Each release lives in its own folder (<c>r</c> and a number, with its manifest inside); a new one is
    /// built in the folder it will keep, under a number no record names yet, and only becomes a release
    /// when a record names it. The record names the active folder and the one to roll back to. It is
    /// kept in two slots, <c>state.a</c> and <c>state.b</c>, each with a sequence number and a checksum;
    /// a commit rewrites the slot that does not hold the newest record, in place, and the newest intact
    /// slot wins. Nothing is ever renamed: a cut while a slot is written leaves that slot torn and the
    /// other one intact, and FAT's rename (new entry written, then the old one deleted, which a cut can
    /// leave as two names on one cluster chain) has no place to strike.
    /// </para>
    /// <para>
    /// Whatever single operation a power cut interrupts, <see cref="Recover"/> finds a complete record
    /// that names complete folders (folders are deleted only once no record names them), so the device
    /// boots either the old release or the new one, whole. When no slot reads at all (a card that lost
    /// its small, recently written files), the record is rebuilt from the highest-numbered release
    /// folder whose manifest parses and whose files verify, which starts on trial.
    /// </para>
    /// </remarks>
    public sealed partial class ReleaseStore
    {
        private const string FirstSlot = "state.a";
        private const string SecondSlot = "state.b";

        // Where boot apps before the slots kept the record: read once into a slot, then deleted.
        private const string LegacyStateFile = "state";
        private const string LegacyNewStateFile = "state.new";

        // Where boot apps before the slots assembled a release, to be renamed afterwards: deleted.
        private const string LegacyStagingFolder = "staging";
        private const string ReleaseFolderPrefix = "r";
        private const int MaxStateLength = 1024;
        private const int CheckBufferLength = 2048;

        private readonly IUpdateStorage _storage;
        private InstallState _state;

        // The slot the newest record came from, or null when it came from elsewhere (none yet, the
        // old files, a rebuild): the next commit writes the other one.
        private string _stateSlot;

        private ReleaseManifest _activeManifest;

        // The digest of the active manifest's stored bytes, so that the manifest a server offers at every
        // boot is compared without reading the stored one again.
        private byte[] _activeDigest;

        // Allocated on the first check, then reused for every file.
        private VerifyingWriteStream _check;
        private byte[] _checkBuffer;
        private byte[] _checkDigest;

        /// <summary>
        /// Opens the releases in a storage; call <see cref="Recover"/> before anything else.
        /// </summary>
        /// <param name="storage">The storage folder.</param>
        public ReleaseStore(IUpdateStorage storage)
        {
            _storage = storage;
            _state = new InstallState();
            _state.Confirmed = true;
        }

        /// <summary>
        /// Gets the storage the releases live in.
        /// </summary>
        public IUpdateStorage Storage
        {
            get { return _storage; }
        }

        /// <summary>
        /// Gets the current record (do not change it; it is committed only through this class).
        /// </summary>
        public InstallState State
        {
            get { return _state; }
        }

        /// <summary>
        /// Gets the manifest of the active release, or null when nothing is installed.
        /// </summary>
        public ReleaseManifest ActiveManifest
        {
            get { return _activeManifest; }
        }

        /// <summary>
        /// Gets the version of the release to roll back to, or null when there is none.
        /// </summary>
        /// <returns>The version text.</returns>
        public string PreviousVersion()
        {
            ReleaseManifest previous = _state.Previous == null ? null : TryReadManifest(_state.Previous);
            return previous == null ? null : previous.Version.ToString();
        }

        /// <summary>
        /// Tells whether a manifest is the active release's, by its digest.
        /// </summary>
        /// <param name="digest">The manifest's digest (<see cref="HmacSha256Chain"/>), for example of one
        /// just fetched.</param>
        /// <returns>True when a release is active and its stored manifest has this digest, taken when the
        /// store loaded it.</returns>
        public bool IsActiveManifestDigest(byte[] digest)
        {
            if (_activeDigest == null || digest.Length != _activeDigest.Length)
            {
                return false;
            }

            for (int i = 0; i < digest.Length; i++)
            {
                if (digest[i] != _activeDigest[i])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// Combines a folder and a file name into a storage path.
        /// </summary>
        /// <param name="folder">The folder.</param>
        /// <param name="name">The file name.</param>
        /// <returns>The path.</returns>
        public static string PathOf(string folder, string name)
        {
            return folder + "/" + name;
        }

        /// <summary>
        /// Gets what the last clean-up of folders the record no longer names could not delete, or null
        /// when it deleted them all. Such folders only take space; each recovery tries again.
        /// </summary>
        public string CleanupProblem { get; private set; }

        /// <summary>
        /// Finishes whatever an interrupted run left: settles the record, deletes every release folder the
        /// record does not name (a release half staged among them), and loads the active manifest.
        /// </summary>
        public void Recover()
        {
            _state = LoadState();
            DeleteUnreferencedFolders();
            _activeManifest = null;
            _activeDigest = null;
            if (_state.Active == null)
            {
                return;
            }

            _activeManifest = TryReadManifest(_state.Active, out _activeDigest);
            if (_activeManifest == null)
            {
                // Damage no power cut can cause (the card was edited, or failed): fall back rather than
                // keep pointing at a release that cannot start.
                InstallState next = _state.Clone();
                next.Active = _state.Previous;
                next.Previous = null;
                next.Confirmed = true;
                next.Boots = 0;
                Commit(next);
                DeleteUnreferencedFolders();
                _activeManifest = _state.Active == null ? null : TryReadManifest(_state.Active, out _activeDigest);
            }
        }

        // The folder a new release is staged in: the next number, derived from the record, which no
        // commit changes between BeginStaging and Activate.
        private string StagingFolder
        {
            get { return ReleaseFolderPrefix + (_state.Sequence + 1).ToString(); }
        }

        /// <summary>
        /// Creates, empty, the folder a new release is assembled in: the release folder it becomes,
        /// under the next number, which no record names (every named folder's number is at most the
        /// record's sequence), so a cut before <see cref="Activate"/> leaves a folder that the next
        /// <see cref="Recover"/> deletes.
        /// </summary>
        /// <returns>The folder's name.</returns>
        public string BeginStaging()
        {
            string folder = StagingFolder;
            _storage.DeleteFolder(folder);
            _storage.CreateFolder(folder);
            return folder;
        }

        /// <summary>
        /// Deletes the folder of <see cref="BeginStaging"/> after a failed update; a failure to do so is
        /// left to the next <see cref="Recover"/>, so that it never hides what made the update fail.
        /// </summary>
        public void AbandonStaging()
        {
            try
            {
                _storage.DeleteFolder(StagingFolder);
            }
            catch (Exception)
            {
            }
        }

        /// <summary>
        /// Makes the fully staged and verified release the active one, on trial: its manifest goes into
        /// its folder last (a folder without one is never taken for a release), then the record names it.
        /// </summary>
        /// <param name="manifest">The release's manifest.</param>
        /// <param name="manifestBytes">The manifest exactly as fetched (the signature covers these bytes).</param>
        /// <param name="signature">The manifest's signature, or null.</param>
        public void Activate(ReleaseManifest manifest, byte[] manifestBytes, byte[] signature)
        {
            string folder = StagingFolder;
            if (signature != null)
            {
                WriteFile(PathOf(folder, ReleaseManifest.SignatureFileName), signature);
            }

            WriteFile(PathOf(folder, ReleaseManifest.FileName), manifestBytes);

            // A release on trial is no fallback: keep the last confirmed one instead.
            InstallState next = _state.Clone();
            next.Active = folder;
            next.Previous = _state.Confirmed ? _state.Active : _state.Previous;
            next.Confirmed = false;
            next.Boots = 0;
            next.TooLarge = null;
            Commit(next);
            _activeManifest = manifest;
            _activeDigest = HmacSha256Chain.Hash(manifestBytes, 0, manifestBytes.Length);
            DeleteUnreferencedFolders();
        }

        /// <summary>
        /// Returns to the previous release and remembers the abandoned version so it is not installed again.
        /// </summary>
        /// <returns>False when there is no previous release.</returns>
        public bool RollBack()
        {
            if (_state.Previous == null)
            {
                return false;
            }

            byte[] previousDigest;
            ReleaseManifest previous = TryReadManifest(_state.Previous, out previousDigest);
            if (previous == null)
            {
                return false;
            }

            InstallState next = _state.Clone();
            next.Rejected = HigherVersion(_state.Rejected, _activeManifest == null ? null : _activeManifest.Version);
            next.Active = _state.Previous;
            next.Previous = null;
            next.Confirmed = true;
            next.Boots = 0;
            next.TooLarge = null;
            Commit(next);
            _activeManifest = previous;
            _activeDigest = previousDigest;
            DeleteUnreferencedFolders();
            return true;
        }

        /// <summary>
        /// Remembers a verified manifest whose release found no room, so that it is not fetched again
        /// while the server offers it; the next install or rollback, which change what the storage
        /// holds, forgets it.
        /// </summary>
        /// <param name="manifestDigest">The manifest's digest, as <see cref="InstallState.TooLarge"/> keeps it.</param>
        public void RememberTooLarge(string manifestDigest)
        {
            InstallState next = _state.Clone();
            next.TooLarge = manifestDigest;
            Commit(next);
        }

        /// <summary>
        /// Records one more start of the active release while it is on trial.
        /// </summary>
        public void CountBoot()
        {
            if (_state.Active != null && !_state.Confirmed)
            {
                InstallState next = _state.Clone();
                next.Boots++;
                Commit(next);
            }
        }

        /// <summary>
        /// Ends the trial: the application started properly with the active release.
        /// </summary>
        /// <returns>False when there was nothing to confirm.</returns>
        public bool Confirm()
        {
            if (_state.Active == null || _state.Confirmed)
            {
                return false;
            }

            InstallState next = _state.Clone();
            next.Confirmed = true;
            next.Boots = 0;
            Commit(next);
            return true;
        }

        // Written in place over the slot that does not hold the newest record: a torn write damages only
        // that slot, and the newest intact one still wins.
        private void Commit(InstallState next)
        {
            next.Sequence = _state.Sequence + 1;
            string slot = _stateSlot == FirstSlot ? SecondSlot : FirstSlot;
            WriteFile(slot, next.ToBytes());
            _stateSlot = slot;
            _state = next;
        }

        private void WriteFile(string path, byte[] content)
        {
            Stream stream = _storage.CreateFile(path, content.Length);
            try
            {
                stream.Write(content, 0, content.Length);
                stream.Flush();
            }
            finally
            {
                stream.Close();
            }
        }

        // The higher of the recorded floor and a version just rolled back, as text for the record.
        private static string HigherVersion(string recorded, ReleaseVersion rolledBack)
        {
            ReleaseVersion floor = recorded == null ? null : ReleaseVersion.TryParse(recorded);
            if (rolledBack == null || (floor != null && floor.CompareTo(rolledBack) >= 0))
            {
                return recorded;
            }

            return rolledBack.ToString();
        }

        // The number of a release folder ("r12" is 12), or -1 for any other name.
        private static long ParseFolderNumber(string folder)
        {
            return folder != null && folder.Length > 1 && folder[0] == 'r' ? DecimalText.Parse(folder, 1, 18) : -1;
        }
    }
}
