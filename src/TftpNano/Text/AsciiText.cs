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
        /// <param name="count">How many of them, from index 0.</param>
        /// <returns>One character per byte.</returns>
        public static string GetString(byte[] bytes, int count)
        {
            char[] chars = new char[count];
            for (int i = 0; i < count; i++)
            {
                chars[i] = bytes[i] < 128 ? (char)bytes[i] : '?';
            }

            return new string(chars);
        }
    }
}
