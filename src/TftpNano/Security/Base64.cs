namespace TftpNano.Security
{
    /// <summary>
    /// Strict base64 (RFC 4648, section 4): the standard alphabet, padding to a multiple of four
    /// characters, nothing else.
    /// </summary>
    /// <remarks>
    /// <c>Convert.FromBase64String</c> cannot serve here: on nanoFramework it throws a plain
    /// <see cref="System.Exception"/> on bad input where desktop .NET throws a
    /// <see cref="System.FormatException"/>, and it accepts white space and non-zero padding bits, so the
    /// same settings line would mean different things on the two runtimes. This decoder gives one answer on
    /// both, and accepts exactly one text for each byte string.
    /// </remarks>
    internal static class Base64
    {
        /// <summary>
        /// Decodes base64 text.
        /// </summary>
        /// <param name="text">The text: a multiple of four characters, no white space.</param>
        /// <returns>The bytes, or null when the text is not canonical base64.</returns>
        public static byte[] Decode(string text)
        {
            if (text == null || text.Length == 0 || text.Length % 4 != 0)
            {
                return null;
            }

            int padding = text[text.Length - 1] != '=' ? 0 : text[text.Length - 2] != '=' ? 1 : 2;
            byte[] bytes = new byte[((text.Length / 4) * 3) - padding];
            int written = 0;
            int bits = 0;
            int pending = 0;
            for (int i = 0; i < text.Length - padding; i++)
            {
                int sextet = ValueOf(text[i]);
                if (sextet < 0)
                {
                    return null;
                }

                bits = (bits << 6) | sextet;
                pending += 6;
                if (pending >= 8)
                {
                    pending -= 8;
                    bytes[written++] = (byte)(bits >> pending);
                    bits &= (1 << pending) - 1;
                }
            }

            // What is left over are the padding bits of the last character: RFC 4648 section 3.5 lets a
            // decoder refuse them unless they are zero, which keeps the encoding of every key unique.
            return bits == 0 ? bytes : null;
        }

        private static int ValueOf(char c)
        {
            if (c >= 'A' && c <= 'Z')
            {
                return c - 'A';
            }

            if (c >= 'a' && c <= 'z')
            {
                return c - 'a' + 26;
            }

            if (c >= '0' && c <= '9')
            {
                return c - '0' + 52;
            }

            if (c == '+')
            {
                return 62;
            }

            return c == '/' ? 63 : -1;
        }
    }
}
