using TftpNano.Text;

namespace TftpNano.Update.Manifest
{
    /// <summary>
    /// A release version: one to four dot-separated decimal numbers, compared number by number.
    /// </summary>
    /// <remarks>
    /// Numbers, not text, so that 1.10 is newer than 1.9; missing numbers count as zero, so 2.0 and 2
    /// are the same release.
    /// </remarks>
    public sealed class ReleaseVersion
    {
        private const int MaxParts = 4;
        private const int MaxPartDigits = 9;

        private readonly int[] _parts;
        private readonly string _text;

        private ReleaseVersion(int[] parts, string text)
        {
            _parts = parts;
            _text = text;
        }

        /// <summary>
        /// Reads a version.
        /// </summary>
        /// <param name="text">For example <c>1.4.2</c>.</param>
        /// <returns>The version, or null when the text is not one.</returns>
        public static ReleaseVersion TryParse(string text)
        {
            if (text == null || text.Length == 0)
            {
                return null;
            }

            string[] pieces = text.Split(new char[] { '.' });
            if (pieces.Length > MaxParts)
            {
                return null;
            }

            int[] parts = new int[MaxParts];
            for (int i = 0; i < pieces.Length; i++)
            {
                long value = DecimalText.Parse(pieces[i], 0, MaxPartDigits);
                if (value < 0)
                {
                    return null;
                }

                parts[i] = (int)value;
            }

            return new ReleaseVersion(parts, text);
        }

        /// <summary>
        /// Compares two versions.
        /// </summary>
        /// <param name="other">The version to compare with.</param>
        /// <returns>Negative when this one is older, zero when equal, positive when newer.</returns>
        public int CompareTo(ReleaseVersion other)
        {
            for (int i = 0; i < MaxParts; i++)
            {
                if (_parts[i] != other._parts[i])
                {
                    return _parts[i] < other._parts[i] ? -1 : 1;
                }
            }

            return 0;
        }

        /// <summary>
        /// Returns the version as written in the manifest.
        /// </summary>
        /// <returns>The text.</returns>
        public override string ToString()
        {
            return _text;
        }
    }
}
