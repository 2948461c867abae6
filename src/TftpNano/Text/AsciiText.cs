namespace TftpNano.Text
{
    /// <summary>
    /// The manifest and the install record are ASCII, written byte for character.
    /// </summary>
    internal static class AsciiText
    {
        /// <summary>
        /// Encodes ASCII text.
        /// </summary>
        /// <param name="text">Text whose characters are all below 128.</param>
        /// <returns>One byte per character.</returns>
        public static byte[] GetBytes(string text)
        {
            byte[] bytes = new byte[text.Length];
            for (int i = 0; i < text.Length; i++)
            {
                bytes[i] = (byte)text[i];
            }

            return bytes;
        }
    }
}
