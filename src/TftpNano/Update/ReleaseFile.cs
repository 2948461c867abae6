namespace TftpNano.Update
{
    /// <summary>
    /// One file of a release, as its manifest describes it.
    /// </summary>
    public sealed class ReleaseFile
    {
        /// <summary>
        /// Creates a file entry.
        /// </summary>
        /// <param name="name">The file name, already validated.</param>
        /// <param name="size">Its length in bytes.</param>
        /// <param name="sha256">Its 32-byte SHA-256 digest.</param>
        public ReleaseFile(string name, long size, byte[] sha256)
        {
            Name = name;
            Size = size;
            Sha256 = sha256;
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
        /// Gets the file's SHA-256 digest.
        /// </summary>
        public byte[] Sha256 { get; }

        /// <summary>
        /// Tells whether another entry describes the same content.
        /// </summary>
        /// <param name="other">The other entry.</param>
        /// <returns>True when name (ignoring case, as FAT does), size and digest agree.</returns>
        public bool HasSameContent(ReleaseFile other)
        {
            if (other == null || other.Size != Size || !SameName(other.Name, Name))
            {
                return false;
            }

            for (int i = 0; i < Sha256.Length; i++)
            {
                if (other.Sha256[i] != Sha256[i])
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
