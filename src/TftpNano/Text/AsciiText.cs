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

        /// <summary>
        /// Reads the line starting at a position, without its line feed (or CR LF), one character per
        /// byte; the position moves past the line feed. The manifest and the device's report are read
        /// this way.
        /// </summary>
        /// <param name="data">The text's bytes.</param>
        /// <param name="count">How many of them, from index 0.</param>
        /// <param name="position">Where the line starts; on return, where the next one does.</param>
        /// <returns>The line.</returns>
        public static string ReadLine(byte[] data, int count, ref int position)
        {
            int end = position;
            while (end < count && data[end] != '\n')
            {
                end++;
            }

            int length = end > position && data[end - 1] == '\r' && end < count ? end - position - 1 : end - position;
            char[] text = new char[length];
            for (int i = 0; i < length; i++)
            {
                text[i] = (char)data[position + i];
            }

            position = end < count ? end + 1 : end;
            return new string(text);
        }
    }
}
