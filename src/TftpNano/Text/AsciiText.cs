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

        /// <summary>
        /// Decodes ASCII text; a byte above 127 becomes '?'.
        /// </summary>
        /// <param name="bytes">The bytes.</param>
        /// <param name="offset">Where the text starts.</param>
        /// <param name="count">How many bytes it has.</param>
        /// <returns>One character per byte.</returns>
        public static string GetString(byte[] bytes, int offset, int count)
        {
            char[] chars = new char[count];
            for (int i = 0; i < count; i++)
            {
                byte b = bytes[offset + i];
                chars[i] = b < 128 ? (char)b : '?';
            }

            return new string(chars);
        }
    }
}
