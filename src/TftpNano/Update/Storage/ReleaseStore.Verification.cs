using System;
using System.IO;
using TftpNano.Security;
using TftpNano.Text;
using TftpNano.Update.Manifest;
using TftpNano.Update.Streams;

namespace TftpNano.Update.Storage
{
    // Reading back what is installed and checking it against its manifest, without trusting either.
    public sealed partial class ReleaseStore
    {
        /// <summary>
        /// Re-reads every file of the active release and checks it against the manifest.
        /// </summary>
        /// <returns>Null when the release is complete and intact, otherwise what is wrong.</returns>
        public string VerifyActive()
        {
            if (_activeManifest == null)
            {
                return "No release is installed.";
            }

            return VerifyFolder(_state.Active, _activeManifest);
        }

        private string VerifyFolder(string folder, ReleaseManifest manifest)
        {
            for (int i = 0; i < manifest.Files.Length; i++)
            {
                ReleaseFile file = manifest.Files[i];
                string problem = CheckFile(PathOf(folder, file.Name), file, null);
                if (problem != null)
                {
                    return problem;
                }
            }

            return null;
        }

        /// <summary>
        /// Reads a file through its digest, copying it on the way when a destination is given.
        /// </summary>
        /// <param name="path">The file's path.</param>
        /// <param name="file">The manifest entry it must match.</param>
        /// <param name="copyTo">Where to copy it, or null to only check it.</param>
        /// <returns>Null when the file has the size and digest of its entry, otherwise what differs.</returns>
        public string CheckFile(string path, ReleaseFile file, Stream copyTo)
        {
            if (!_storage.FileExists(path))
            {
                return "'" + file.Name + "' is missing.";
            }

            if (_check == null)
            {
                _check = new VerifyingWriteStream();
                _checkBuffer = new byte[CheckBufferLength];
                _checkDigest = new byte[Sha256.HashLength];
            }

            _check.Begin(copyTo, long.MaxValue, file.Kind);
            Stream source = _storage.OpenRead(path);
            try
            {
                int read;
                while ((read = source.Read(_checkBuffer, 0, _checkBuffer.Length)) > 0)
                {
                    _check.Write(_checkBuffer, 0, read);
                }
            }
            finally
            {
                source.Close();
            }

            _check.Flush();
            if (_check.Length != file.Size)
            {
                return "'" + file.Name + "' has " + _check.Length.ToString() + " bytes instead of " + file.Size.ToString() + ".";
            }

            return _check.Matches(file.Digest, _checkDigest) ? null : "'" + file.Name + "' does not match its digest.";
        }

        /// <summary>
        /// Reads a small file whole.
        /// </summary>
        /// <param name="path">The file's path.</param>
        /// <param name="maxLength">The most bytes expected.</param>
        /// <returns>The bytes, or null when the file is missing or longer than <paramref name="maxLength"/>.</returns>
        public byte[] TryReadSmallFile(string path, int maxLength)
        {
            if (!_storage.FileExists(path))
            {
                return null;
            }

            // Sized by the file, not by the largest file allowed: the record and every stored manifest
            // are read at each boot, and an 8 KiB buffer for a 200-byte manifest is a tenth of an
            // ESP32's heap.
            Stream source = _storage.OpenRead(path);
            try
            {
                long length = source.Length;
                if (length > maxLength)
                {
                    return null;
                }

                byte[] bytes = new byte[(int)length];
                int count = 0;
                int read;
                while (count < bytes.Length && (read = source.Read(bytes, count, bytes.Length - count)) > 0)
                {
                    count += read;
                }

                return count == bytes.Length ? bytes : null;
            }
            finally
            {
                source.Close();
            }
        }

        private ReleaseManifest TryReadManifest(string folder)
        {
            byte[] digest;
            return TryReadManifest(folder, out digest);
        }

        // The manifest of a release folder and the digest of its bytes (HmacSha256Chain), or null.
        private ReleaseManifest TryReadManifest(string folder, out byte[] digest)
        {
            digest = null;
            byte[] bytes = TryReadSmallFile(PathOf(folder, ReleaseManifest.FileName), ReleaseManifest.MaxLength);
            if (bytes == null)
            {
                return null;
            }

            try
            {
                ReleaseManifest manifest = ReleaseManifest.Parse(bytes, bytes.Length);
                digest = HmacSha256Chain.Hash(bytes, 0, bytes.Length);
                return manifest;
            }
            catch (UpdateException)
            {
                return null;
            }
        }
    }
}
