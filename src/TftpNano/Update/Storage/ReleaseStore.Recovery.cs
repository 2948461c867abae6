using System;
using System.IO;
using TftpNano.Security;
using TftpNano.Text;
using TftpNano.Update.Manifest;
using TftpNano.Update.Streams;

namespace TftpNano.Update.Storage
{
    // Finding the newest intact record at boot, rebuilding one when none reads, and deleting what no
    // record names.
    public sealed partial class ReleaseStore
    {
        private InstallState LoadState()
        {
            InstallState first = TryReadState(FirstSlot);
            InstallState second = TryReadState(SecondSlot);
            if (first != null || second != null)
            {
                bool firstWins = second == null || (first != null && first.Sequence > second.Sequence);
                _stateSlot = firstWins ? FirstSlot : SecondSlot;
                return firstWins ? first : second;
            }

            _stateSlot = null;
            InstallState legacy = TryReadState(LegacyStateFile);
            if (legacy == null)
            {
                legacy = TryReadState(LegacyNewStateFile);
            }

            if (legacy != null)
            {
                // Moved into a slot at once; the clean-up then deletes the old files.
                _state = legacy;
                Commit(legacy.Clone());
                return _state;
            }

            return Rebuild();
        }

        // No record reads: the newest release folder that is whole becomes the active release, on trial,
        // and the next whole one its fallback, so a release that cannot start is still rolled back
        // from; with none, nothing is installed.
        // The sequence goes past every folder number, so that the next release folder is a new name.
        private InstallState Rebuild()
        {
            InstallState rebuilt = new InstallState();
            rebuilt.Confirmed = true;
            string[] folders = _storage.GetFolders();
            long highest = 0;
            for (int i = 0; i < folders.Length; i++)
            {
                long number = ParseFolderNumber(folders[i]);
                if (number > highest)
                {
                    highest = number;
                }
            }

            rebuilt.Sequence = highest;
            for (long number = highest; number > 0 && rebuilt.Previous == null; number--)
            {
                string folder = ReleaseFolderPrefix + number.ToString();
                ReleaseManifest manifest = TryReadManifest(folder);
                if (manifest == null || VerifyFolder(folder, manifest) != null)
                {
                    continue;
                }

                // The newest whole release starts on trial; the next one down is what it rolls back to.
                if (rebuilt.Active == null)
                {
                    rebuilt.Active = folder;
                    rebuilt.Confirmed = false;
                }
                else
                {
                    rebuilt.Previous = folder;
                }
            }

            return rebuilt;
        }

        private InstallState TryReadState(string path)
        {
            byte[] bytes = TryReadSmallFile(path, MaxStateLength);
            return bytes == null ? null : InstallState.TryParse(bytes, bytes.Length);
        }

        // Runs after every commit, and at every recovery. A folder the record no longer names costs space,
        // never correctness, so what cannot be deleted now is reported and tried again next time: the
        // commit before it stands.
        private void DeleteUnreferencedFolders()
        {
            CleanupProblem = null;
            string[] folders;
            try
            {
                folders = _storage.GetFolders();
            }
            catch (Exception e)
            {
                CleanupProblem = "Listing the storage's folders failed: " + ExceptionText.Describe(e);
                return;
            }

            // The record of a boot app from before the slots, once a slot holds the record.
            if (_stateSlot != null)
            {
                DeleteLeftoverFile(LegacyStateFile);
                DeleteLeftoverFile(LegacyNewStateFile);
            }

            for (int i = 0; i < folders.Length; i++)
            {
                string folder = folders[i];
                bool ours = folder == LegacyStagingFolder || ParseFolderNumber(folder) >= 0;
                if (ours && folder != _state.Active && folder != _state.Previous)
                {
                    try
                    {
                        _storage.DeleteFolder(folder);
                    }
                    catch (Exception e)
                    {
                        CleanupProblem = "The old folder " + folder + " could not be deleted (it is tried again at the next boot): "
                            + ExceptionText.Describe(e);
                    }
                }
            }
        }

        private void DeleteLeftoverFile(string name)
        {
            try
            {
                if (_storage.FileExists(name))
                {
                    _storage.DeleteFile(name);
                }
            }
            catch (Exception e)
            {
                CleanupProblem = "The old file " + name + " could not be deleted (it is tried again at the next boot): "
                    + ExceptionText.Describe(e);
            }
        }
    }
}
