using System;
using System.IO;
using TftpNano.Protocol;
using TftpNano.Security;
using TftpNano.Text;
using TftpNano.Transfer;
using TftpNano.Update.Manifest;
using TftpNano.Update.Storage;
using TftpNano.Update.Streams;

namespace TftpNano.Update
{
    /// <summary>
    /// One boot's worth of updating: recover, settle the trial, fetch and check the server's release,
    /// install it if it is new, and count the start of whatever is active.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The device and <c>tftpnano update</c> run this same class. Nothing it fetches is trusted until
    /// checked: the manifest's signature (when a key is configured) before the manifest is parsed, each
    /// file's size and digest while it is written into the staging folder. Only a release whose every
    /// file checked out is activated, through <see cref="ReleaseStore"/>.
    /// </para>
    /// <para>
    /// A new release starts on trial. The application confirms it (<see cref="ReleaseStore.Confirm"/>)
    /// once it is healthy; a release started <see cref="UpdateSettings.MaxTrialBoots"/> times without a
    /// confirmation is rolled back and not installed again.
    /// </para>
    /// </remarks>
    public sealed partial class FirmwareUpdater
    {
        /// <summary>
        /// The longest signature accepted: one of a 4096-bit key.
        /// </summary>
        public const int MaxSignatureLength = RsaPublicKey.MaximumBits / 8;

        private readonly ReleaseStore _store;
        private readonly UpdateSettings _settings;

        private readonly IDatagramTransportFactory _transports;

        // Shared by every fetch, so that each request asks a lock-step server for a timeout from what the
        // fetches before it measured (TftpDownloadSettings.ShortServerTimeout).
        private readonly ServerTimerEstimate _serverTimer = new ServerTimerEstimate();
        private readonly VerifyingWriteStream _verifier;
        private readonly byte[] _digest;

        // Set while a release's files are stored: read by the boot's storage watchdog on its own thread.
        private string _installing;

        /// <summary>
        /// Creates an updater.
        /// </summary>
        /// <param name="storage">The storage folder that holds the releases.</param>
        /// <param name="transports">Opens the sockets each download uses (one per transfer), or null when the server is never asked.</param>
        /// <param name="settings">The server, channel, key and policy.</param>
        public FirmwareUpdater(IUpdateStorage storage, IDatagramTransportFactory transports, UpdateSettings settings)
            : this(new ReleaseStore(CheckStorage(storage)), transports, settings)
        {
        }

        /// <summary>
        /// Creates an updater over a store already recovered, such as the one the boot app started the
        /// running release from: its record in memory stays the one every later commit builds on.
        /// </summary>
        /// <param name="store">The installed releases.</param>
        /// <param name="transports">Opens the sockets each download uses, or null when the server is never asked.</param>
        /// <param name="settings">The server, channel, key and policy.</param>
        internal FirmwareUpdater(ReleaseStore store, IDatagramTransportFactory transports, UpdateSettings settings)
        {
            if (settings == null)
            {
                throw new ArgumentNullException("settings");
            }

            _store = store;
            _settings = settings;
            _transports = transports;
            _verifier = new VerifyingWriteStream();
            _digest = new byte[Sha256.HashLength];
        }

        /// <summary>
        /// Gets the digest of the manifest whose release is being stored, as
        /// <see cref="InstallState.TooLarge"/> keeps it, or null while no release is.
        /// </summary>
        internal string Installing
        {
            get { return _installing; }
        }

        /// <summary>
        /// Occurs for each step worth telling the user about.
        /// </summary>
        public event UpdateLogHandler Log;

        /// <summary>
        /// Gets the installed releases, as this run left them.
        /// </summary>
        public ReleaseStore Store
        {
            get { return _store; }
        }

        /// <summary>
        /// Runs the updater once, as at boot.
        /// </summary>
        /// <returns>What happened; a refusal is a result, not an exception.</returns>
        public UpdateResult Run()
        {
            return Run(true);
        }

        /// <summary>
        /// Runs the updater once, as at boot, with or without asking the server.
        /// </summary>
        /// <param name="checkServer">False when there is no network: recovery, the trial and the count
        /// of starts still happen, so a release that keeps failing is rolled back even offline.</param>
        /// <returns>What happened; a refusal is a result, not an exception.</returns>
        public UpdateResult Run(bool checkServer)
        {
            UpdateResult result = new UpdateResult();
            Attempt(result, true, true, checkServer);

            // Counted in every case: a release on trial that fails to start must reach its rollback
            // whatever the network, the server or the update did.
            try
            {
                _store.CountBoot();
            }
            catch (Exception e)
            {
                Refuse(result, UpdateFailure.Storage, "Counting the start failed: " + ExceptionText.Describe(e));
            }

            result.ActiveVersion = ActiveVersion;
            return result;
        }

        /// <summary>
        /// Asks the server once on behalf of the release that is running: a new release is fetched,
        /// checked and made active, on trial from the next start, exactly as at boot. Unlike
        /// <see cref="Run()"/> nothing is recovered, no trial is settled and no start is counted: the
        /// boot that started the running release did that, and the store holds its record.
        /// </summary>
        /// <returns>What happened; a refusal is a result, not an exception.</returns>
        internal UpdateResult RunForApplication()
        {
            UpdateResult result = new UpdateResult();
            Attempt(result, false, false, true);
            result.ActiveVersion = ActiveVersion;
            return result;
        }

        /// <summary>
        /// Runs the updater again in a power-up whose first run settled the trial and counted the start,
        /// and whose release then failed to start: the store is recovered and the server asked, and
        /// nothing is counted, since nothing is started again.
        /// </summary>
        /// <param name="checkServer">False when there is no network.</param>
        /// <returns>What happened; a refusal is a result, not an exception.</returns>
        internal UpdateResult RunAgain(bool checkServer)
        {
            UpdateResult result = new UpdateResult();
            Attempt(result, true, false, checkServer);
            result.ActiveVersion = ActiveVersion;
            return result;
        }

        private string ActiveVersion
        {
            get { return _store.ActiveManifest == null ? null : _store.ActiveManifest.Version.ToString(); }
        }

        private void Attempt(UpdateResult result, bool recover, bool settleTrial, bool checkServer)
        {
            try
            {
                if (recover)
                {
                    _store.Recover();
                }

                if (settleTrial)
                {
                    SettleTrial(result);
                }

                if (checkServer && _settings.Server != null && _transports != null)
                {
                    Update(result);
                }
                else
                {
                    result.Outcome = UpdateOutcome.NotChecked;
                    result.Message = "The server was not asked.";
                }
            }
            catch (UpdateException e)
            {
                Refuse(result, e.Failure, e.Message);
            }
            catch (IOException e)
            {
                Refuse(result, UpdateFailure.Storage, "The storage failed: " + e.Message);
            }
            catch (Exception e)
            {
                // Whatever else broke (on a device, natives throw plain System.Exception): a result with
                // its reason, and at boot the start is counted all the same.
                Refuse(result, UpdateFailure.Unexpected, "The update failed: " + ExceptionText.Describe(e));
            }
        }

        private static ReleaseManifest TryParse(byte[] manifestBytes)
        {
            try
            {
                return ReleaseManifest.Parse(manifestBytes, manifestBytes.Length);
            }
            catch (UpdateException)
            {
                return null;
            }
        }

        private static IUpdateStorage CheckStorage(IUpdateStorage storage)
        {
            if (storage == null)
            {
                throw new ArgumentNullException("storage");
            }

            return storage;
        }

        private void SettleTrial(UpdateResult result)
        {
            InstallState state = _store.State;
            if (state.Active == null || state.Confirmed || state.Boots < _settings.MaxTrialBoots)
            {
                return;
            }

            string failed = _store.ActiveManifest.Version.ToString();
            if (_store.RollBack())
            {
                result.RolledBackFrom = failed;
                result.RolledBackTo = _store.ActiveManifest.Version.ToString();
                Say("Release " + failed + " started " + state.Boots.ToString() + " times without being confirmed: rolled back to "
                    + result.RolledBackTo + ".");
            }
            else
            {
                Say("Release " + failed + " is unconfirmed after " + state.Boots.ToString() + " starts, but there is no release to roll back to.");
            }
        }

        private void Update(UpdateResult result)
        {
            byte[] manifestBytes = FetchManifest();
            byte[] manifestDigest = HmacSha256Chain.Hash(manifestBytes, 0, manifestBytes.Length);
            if (_store.IsActiveManifestDigest(manifestDigest))
            {
                // The manifest verified when the active release was installed (the same digest): nothing
                // to check again, which spares the device an RSA verification on every boot.
                result.Outcome = UpdateOutcome.UpToDate;
                result.Message = "Up to date: release " + _store.ActiveManifest.Version.ToString() + ".";
                return;
            }

            // A release that found no room is not fetched at every boot: nothing on the device can say
            // when room appears (its free space reads -1), so it waits for another manifest.
            string digest = Hex.Encode(manifestDigest);
            if (digest == _store.State.TooLarge)
            {
                result.Outcome = UpdateOutcome.Skipped;
                result.Message = "Release " + ReleaseManifest.Parse(manifestBytes, manifestBytes.Length).Version.ToString()
                    + " could not be stored at an earlier boot; "
                    + "it is fetched again once the server offers another manifest.";
                return;
            }

            // Staying on the active release is decided before the signature is fetched, since it needs no
            // trust in the manifest (whoever could alter it could as well not serve it): a manifest
            // published again for the same release (a rollout's percentage raised) and a staged release
            // this device is not among spare it an RSA verification at every boot.
            ReleaseManifest offered = TryParse(manifestBytes);
            ReleaseManifest active = _store.ActiveManifest;
            if (offered != null && active != null && offered.Version.CompareTo(active.Version) == 0)
            {
                result.Outcome = UpdateOutcome.UpToDate;
                result.Message = "Up to date: release " + active.Version.ToString() + ".";
                return;
            }

            if (offered != null && !StagedRollout.Includes(offered, _settings.DeviceId))
            {
                result.Outcome = UpdateOutcome.NotInRollout;
                result.Message = "Not in rollout: release " + offered.Version.ToString() + " goes to " + offered.RolloutPercent.ToString()
                    + " % of devices"
                    + (_settings.DeviceId == null ? " and this device has no id." : ", and this device (" + _settings.DeviceId + ", bucket "
                        + StagedRollout.Bucket(_settings.DeviceId, offered.Version).ToString() + ") is not among them yet.");
                return;
            }

            byte[] signature = null;
            if (_settings.PublicKey != null)
            {
                signature = FetchSignature();
                if (!_settings.PublicKey.VerifySha256(Sha256.Hash(manifestBytes, 0, manifestBytes.Length), signature))
                {
                    throw new UpdateException(UpdateFailure.SignatureInvalid,
                        "The manifest's signature does not verify with the configured key.");
                }
            }

            if (offered == null)
            {
                // Invalid: the parser's error says where, after the signature check as for any manifest.
                offered = ReleaseManifest.Parse(manifestBytes, manifestBytes.Length);
            }

            if (offered.Channel != Channel)
            {
                // Signed for another channel and copied here: one fleet key signs every channel.
                throw new UpdateException(UpdateFailure.WrongChannel, "The manifest is for "
                    + (offered.Channel.Length == 0 ? "the server's root folder" : "channel " + offered.Channel)
                    + ", not " + (Channel.Length == 0 ? "the server's root folder" : "channel " + Channel)
                    + " which this device updates from; publish it with tftpnano manifest --channel "
                    + (Channel.Length == 0 ? "/" : Channel) + ".");
            }

            CheckAssemblies(offered);
            ReleaseManifest installed = _store.ActiveManifest;
            string version = offered.Version.ToString();
            if (installed != null)
            {
                int order = offered.Version.CompareTo(installed.Version);
                if (order == 0)
                {
                    result.Outcome = UpdateOutcome.UpToDate;
                    result.Message = "Up to date: release " + installed.Version.ToString() + ".";
                    return;
                }

                if (order < 0 && !_settings.AllowDowngrade)
                {
                    throw new UpdateException(UpdateFailure.Downgrade, "The server offers release " + version
                        + ", older than the installed " + installed.Version.ToString() + "; downgrades are not allowed.");
                }
            }

            // The floor: every version up to the highest one rolled back here, above the active release,
            // stays refused, so a server replaying several old signed bad releases cannot cycle through them.
            ReleaseVersion rejected = _store.State.Rejected == null ? null : ReleaseVersion.TryParse(_store.State.Rejected);
            bool aboveActive = installed == null || offered.Version.CompareTo(installed.Version) > 0;
            if (rejected != null && aboveActive && offered.Version.CompareTo(rejected) <= 0)
            {
                result.Outcome = UpdateOutcome.Skipped;
                result.Message = offered.Version.CompareTo(rejected) == 0
                    ? "Release " + version + " was rolled back on this device and is not installed again."
                    : "Release " + version + " is not newer than release " + rejected.ToString()
                        + ", which was rolled back on this device: only a newer release is installed.";
                return;
            }

            CheckFreeSpace(offered, manifestBytes.Length);
            Say("Installing release " + version + ".");
            _installing = digest;
            string staging = _store.BeginStaging();
            try
            {
                for (int i = 0; i < offered.Files.Length; i++)
                {
                    ReleaseFile file = offered.Files[i];
                    ReleaseFile current = installed == null ? null : installed.Find(file.Name);
                    if (current != null && file.HasSameContent(current) && CopyUnchanged(file, staging))
                    {
                        result.FilesCopied++;
                        continue;
                    }

                    Download(file, staging);
                    result.FilesDownloaded++;
                    result.BytesDownloaded += file.Size;
                }

                _store.Activate(offered, manifestBytes, signature);
            }
            catch (StorageException e)
            {
                // A full volume found by a write outside the transfer: copying an unchanged file, or the
                // manifest and signature into the new release's folder.
                _store.AbandonStaging();
                if (!e.VolumeFull)
                {
                    throw;
                }

                _store.RememberTooLarge(digest);
                throw DoesNotFit(e);
            }
            catch (UpdateException e)
            {
                _store.AbandonStaging();
                if (e.Failure == UpdateFailure.InsufficientSpace)
                {
                    _store.RememberTooLarge(digest);
                }

                throw;
            }
            catch
            {
                _store.AbandonStaging();
                throw;
            }
            finally
            {
                _installing = null;
            }

            if (_store.CleanupProblem != null)
            {
                Say("Warning: " + _store.CleanupProblem);
            }

            result.Outcome = UpdateOutcome.Installed;
            result.Message = "Installed release " + version + " (" + result.FilesDownloaded.ToString() + " fetched, "
                + result.FilesCopied.ToString() + " unchanged).";
        }

        // nanoFramework binds a reference by name and major.minor and keeps every loaded assembly in RAM
        // for good, accepting a second copy of one already loaded (nf-interpreter,
        // corlib_native_System_Reflection_Assembly.cpp and TypeSystem.cpp): a release that needs what the
        // boot app lacks cannot start, and one that ships what it has wastes RAM on a second copy.
        private void CheckAssemblies(ReleaseManifest offered)
        {
            AssemblyVersionLookup find = _settings.BootAssemblies;
            if (find == null)
            {
                return;
            }

            string release = "Release " + offered.Version.ToString();
            for (int i = 0; i < offered.Needs.Length; i++)
            {
                RequiredAssembly need = offered.Needs[i];
                Version carried = find(need.Name);
                if (carried == null)
                {
                    throw new UpdateException(UpdateFailure.IncompatibleRelease,
                        release + " needs " + need.ToString() + ", which the boot app does not carry.");
                }

                if (carried.Major != need.Major || carried.Minor != need.Minor)
                {
                    throw new UpdateException(UpdateFailure.IncompatibleRelease, release + " was built against "
                        + need.ToString() + "; the boot app carries " + need.Name + " " + carried.ToString() + ".");
                }
            }

            for (int i = 0; i < offered.Files.Length; i++)
            {
                string name = offered.Files[i].Name;
                if (AsciiCase.EndsWith(name, ".pe") && find(name.Substring(0, name.Length - 3)) != null)
                {
                    throw new UpdateException(UpdateFailure.IncompatibleRelease,
                        release + " ships " + name + ", which the boot app already carries; a second copy would stay in RAM for good.");
                }
            }
        }

        private void CheckFreeSpace(ReleaseManifest offered, int manifestLength)
        {
            long free = _store.Storage.GetFreeSpace();
            long needed = offered.TotalSize() + manifestLength + MaxSignatureLength;
            if (free >= 0 && needed > free)
            {
                throw new UpdateException(UpdateFailure.InsufficientSpace, "Release " + offered.Version.ToString() + " needs "
                    + needed.ToString() + " bytes and the storage has " + free.ToString() + " free.");
            }
        }

        private void Refuse(UpdateResult result, UpdateFailure failure, string message)
        {
            result.Outcome = UpdateOutcome.Refused;
            result.Failure = failure;
            result.Message = message;
        }

        private void Say(string message)
        {
            UpdateLogHandler log = Log;
            if (log != null)
            {
                log(message);
            }
        }
    }
}
