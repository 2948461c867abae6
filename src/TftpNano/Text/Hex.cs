namespace TftpNano.Text
{
    /// <summary>
    /// Lower-case hexadecimal, as manifests write digests.
    /// </summary>
    public static class Hex
    {
        private const string Digits = "0123456789abcdef";

        /// <summary>
        /// Writes bytes as lower-case hexadecimal.
        /// </summary>
        /// <param name="bytes">The bytes.</param>
        /// <returns>Two digits per byte.</returns>
        public static string Encode(byte[] bytes)
        {
            char[] text = new char[bytes.Length * 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                text[2 * i] = Digits[bytes[i] >> 4];
                text[(2 * i) + 1] = Digits[bytes[i] & 0xF];
            }

            return new string(text);
        }

        /// <summary>
        /// Reads hexadecimal of an exact length (either case).
        /// </summary>
        /// <param name="text">The digits.</param>
        /// <param name="length">How many bytes they must encode.</param>
        /// <returns>The bytes, or null when the text is not exactly that many bytes of hexadecimal.</returns>
        public static byte[] Decode(string text, int length)
        {
            if (text == null || text.Length != 2 * length)
            {
                return null;
            }

            byte[] bytes = new byte[length];
            for (int i = 0; i < length; i++)
            {
                int high = DigitValue(text[2 * i]);
                int low = DigitValue(text[(2 * i) + 1]);
                if (high < 0 || low < 0)
                {
                    return null;
                }

                bytes[i] = (byte)((high << 4) | low);
            }

            return bytes;
        }

        private static int DigitValue(char c)
        {
            if (c >= '0' && c <= '9')
            {
                return c - '0';
            }

            if (c >= 'a' && c <= 'f')
            {
                return c - 'a' + 10;
            }

            if (c >= 'A' && c <= 'F')
            {
                return c - 'A' + 10;
            }

            return -1;
        }
    }
}
