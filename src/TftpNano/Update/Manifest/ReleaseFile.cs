using TftpNano.Security;
using TftpNano.Text;

namespace TftpNano.Update.Manifest
{
    /// <summary>
    /// One file of a release, as its manifest describes it.
    /// </summary>
    public sealed class ReleaseFile
    {
        /// <summary>
        /// Creates a file entry with a SHA-256 digest.
        /// </summary>
        /// <param name="name">The file name, already validated.</param>
        /// <param name="size">Its length in bytes.</param>
        /// <param name="sha256">Its 32-byte SHA-256 digest.</param>
        public ReleaseFile(string name, long size, byte[] sha256)
            : this(name, size, DigestKind.Sha256, sha256)
        {
        }

        /// <summary>
        /// Creates a file entry.
        /// </summary>
        /// <param name="name">The file name, already validated.</param>
        /// <param name="size">Its length in bytes.</param>
        /// <param name="kind">How its digest is computed.</param>
        /// <param name="digest">Its 32-byte digest.</param>
        public ReleaseFile(string name, long size, DigestKind kind, byte[] digest)
        {
            Name = name;
            Size = size;
            Kind = kind;
            Digest = digest;
        }

        /// <summary>
        /// Gets the file name: on the server inside the channel folder, on the device inside a release folder.
        /// </summary>
        public string Name { get; }

        /// <summary>
        /// Gets the file's length in bytes.
        /// </summary>
        public long Size { get; }

        /// <summary>
        /// Gets how the file's digest is computed.
        /// </summary>
        public DigestKind Kind { get; }

        /// <summary>
        /// Gets the file's 32-byte digest, of the kind <see cref="Kind"/> says.
        /// </summary>
        public byte[] Digest { get; }

        /// <summary>
        /// Tells whether another entry describes the same content.
        /// </summary>
        /// <param name="other">The other entry.</param>
        /// <returns>True when name (ignoring case, as FAT does), size and digest agree.</returns>
        public bool HasSameContent(ReleaseFile other)
        {
            if (other == null || other.Size != Size || other.Kind != Kind || !SameName(other.Name, Name))
            {
                return false;
            }

            for (int i = 0; i < Digest.Length; i++)
            {
                if (other.Digest[i] != Digest[i])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// Compares file names as FAT and littlefs users expect: ASCII letters ignoring case.
        /// </summary>
        /// <param name="a">One name.</param>
        /// <param name="b">The other name.</param>
        /// <returns>True when they name the same file.</returns>
        public static bool SameName(string a, string b)
        {
            return AsciiCase.Equal(a, b);
        }
    }
}
