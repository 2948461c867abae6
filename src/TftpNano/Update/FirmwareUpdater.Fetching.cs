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
    // Fetching: the manifest, its signature and each file, each into the one stream it belongs in, and
    // the release files made room for first.
    public sealed partial class FirmwareUpdater
    {
        // The manifest's exact bytes. The largest manifest's buffer lives only in this method: an
        // interpreter keeps every local of a running method reachable until it returns, so a capture
        // held by Update would stay on the heap through the whole install.
        private byte[] FetchManifest()
        {
            CaptureStream capture = new CaptureStream(ReleaseManifest.MaxLength);
            FetchSmall(ReleaseManifest.FileName, capture);
            if (capture.Overflowed)
            {
                throw new UpdateException(UpdateFailure.ManifestTooLarge,
                    "The manifest is longer than " + ReleaseManifest.MaxLength.ToString() + " bytes.");
            }

            return capture.ToArray();
        }

        private byte[] FetchSignature()
        {
            CaptureStream capture = new CaptureStream(MaxSignatureLength);
            try
            {
                FetchSmall(ReleaseManifest.SignatureFileName, capture);
            }
            catch (UpdateException e)
            {
                TftpException cause = e.InnerException as TftpException;
                if (cause != null && cause.Failure == TftpFailure.RemoteError && cause.ErrorCode == TftpErrorCode.FileNotFound)
                {
                    throw new UpdateException(UpdateFailure.SignatureMissing,
                        "The manifest is not signed (the server has no " + RemotePath(ReleaseManifest.SignatureFileName)
                        + ") and a public key is configured.");
                }

                throw;
            }

            if (capture.Overflowed)
            {
                throw new UpdateException(UpdateFailure.SignatureInvalid,
                    "The signature is longer than any accepted key's (" + MaxSignatureLength.ToString() + " bytes).");
            }

            return capture.ToArray();
        }

        private void FetchSmall(string name, CaptureStream capture)
        {
            try
            {
                NewDownload().Run(_settings.Server, RemotePath(name), capture);
            }
            catch (TftpException e)
            {
                if (!capture.Overflowed)
                {
                    throw new UpdateException(UpdateFailure.Download, "Fetching " + RemotePath(name) + " failed: " + e.Message, e);
                }
            }
        }

        private void Download(ReleaseFile file, string staging)
        {
            Say("Fetching " + RemotePath(file.Name) + " (" + file.Size.ToString() + " bytes).");
            Stream destination = CreateFile(staging, file);
            TftpDownload download = NewDownload();
            try
            {
                _verifier.Begin(destination, file.Size, file.Kind);
                download.Run(_settings.Server, RemotePath(file.Name), _verifier);
                destination.Flush();
            }
            catch (TftpException e)
            {
                if (_verifier.Overflowed)
                {
                    throw new UpdateException(UpdateFailure.SizeMismatch, "'" + file.Name + "' is longer than the "
                        + file.Size.ToString() + " bytes its manifest entry says.");
                }

                if (e.Failure == TftpFailure.StorageFailed)
                {
                    StorageException storage = e.InnerException as StorageException;
                    if (storage != null && storage.VolumeFull)
                    {
                        throw DoesNotFit(storage);
                    }

                    string reason = e.InnerException == null ? e.Message : ExceptionText.Describe(e.InnerException);
                    throw new UpdateException(UpdateFailure.Storage, "Writing '" + file.Name + "' failed: " + reason, e);
                }

                throw new UpdateException(UpdateFailure.Download, "Fetching " + RemotePath(file.Name) + " failed: " + e.Message, e);
            }
            finally
            {
                destination.Close();
            }

            // The counters that tell a slow or lossy link, or a window too large for the device, apart.
            TftpTransferStatistics statistics = download.Statistics;
            Say("Received '" + file.Name + "': " + statistics.BlocksWritten.ToString() + " blocks of " + download.BlockSize.ToString()
                + ", window " + download.WindowSize.ToString() + ", " + statistics.DuplicateBlocks.ToString() + " duplicates, "
                + statistics.Timeouts.ToString() + " timeouts"
                + (statistics.ServerTimeoutMs > 0 ? ", server timeout " + statistics.ServerTimeoutMs.ToString() + " ms." : "."));
            CheckReceived(file, _verifier.Length);
        }

        private void CheckReceived(ReleaseFile file, long received)
        {
            if (received != file.Size)
            {
                throw new UpdateException(UpdateFailure.SizeMismatch, "'" + file.Name + "' has " + received.ToString()
                    + " bytes; its manifest entry says " + file.Size.ToString() + ".");
            }

            if (!_verifier.Matches(file.Digest, _digest))
            {
                throw new UpdateException(UpdateFailure.HashMismatch, "'" + file.Name + "' does not match the digest in the manifest.");
            }
        }

        // Copies a file the new release shares with the active one; false when the local copy turns out
        // damaged, so that the caller fetches it instead.
        private bool CopyUnchanged(ReleaseFile file, string staging)
        {
            string source = ReleaseStore.PathOf(_store.State.Active, file.Name);
            if (!_store.Storage.FileExists(source))
            {
                return false;
            }

            string problem;
            Stream output = CreateFile(staging, file);
            try
            {
                problem = _store.CheckFile(source, file, output);
            }
            finally
            {
                output.Close();
            }

            Say(problem == null
                ? "Copied unchanged '" + file.Name + "'."
                : "The installed copy of '" + file.Name + "' is damaged (" + problem + "); fetching it instead.");
            return problem == null;
        }

        // A release file, with room for it made first: a volume without it refuses the release here,
        // before a byte is fetched, and the staging folder is abandoned.
        private Stream CreateFile(string staging, ReleaseFile file)
        {
            try
            {
                return _store.Storage.CreateFile(ReleaseStore.PathOf(staging, file.Name), file.Size);
            }
            catch (StorageException e)
            {
                if (!e.VolumeFull)
                {
                    throw;
                }

                throw DoesNotFit(e);
            }
        }

        private static UpdateException DoesNotFit(StorageException full)
        {
            return new UpdateException(UpdateFailure.InsufficientSpace, "The release does not fit: " + full.Message
                + " The active release is kept.", full);
        }

        // A download of its own for each fetch, short-lived so that none of its objects outlives the fetch,
        // sharing what the fetches measured.
        private TftpDownload NewDownload()
        {
            return new TftpDownload(_transports, _settings.Download, _serverTimer);
        }

        // The channel as the manifest names it: no '/' at either end, empty for the server's root.
        private string Channel
        {
            get { return _settings.Channel == null ? string.Empty : _settings.Channel.Trim(new char[] { '/' }); }
        }

        private string RemotePath(string name)
        {
            string channel = Channel;
            return channel.Length == 0 ? name : channel + "/" + name;
        }
    }
}
