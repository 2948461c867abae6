namespace TftpNano.Text
{
    /// <summary>
    /// Case rules for names on the wire and on the card: ASCII letters only, the same on every runtime.
    /// </summary>
    /// <remarks>
    /// <c>string.ToLower()</c> follows the current culture on desktop .NET: under tr-TR, "I" becomes the
    /// dotless "ı", so "IMAGE.PE" would not match "image.pe" on a Turkish workstation while it does on
    /// the device. Names are ASCII (the codec and the manifest refuse anything else), so ASCII folding is
    /// the whole rule.
    /// </remarks>
    internal static class AsciiCase
    {
        /// <summary>
        /// Lowers the ASCII letters A to Z and leaves every other character as it is.
        /// </summary>
        /// <param name="text">The text.</param>
        /// <returns>The lowered text; the same instance when nothing changes.</returns>
        public static string ToLower(string text)
        {
            char[] folded = null;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c >= 'A' && c <= 'Z')
                {
                    if (folded == null)
                    {
                        folded = text.ToCharArray();
                    }

                    folded[i] = (char)(c + ('a' - 'A'));
                }
            }

            return folded == null ? text : new string(folded);
        }

        /// <summary>
        /// Compares two texts, ignoring the case of ASCII letters only.
        /// </summary>
        /// <param name="a">One text.</param>
        /// <param name="b">The other.</param>
        /// <returns>True when they are equal but for the case of ASCII letters.</returns>
        public static bool Equal(string a, string b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            for (int i = 0; i < a.Length; i++)
            {
                if (Lower(a[i]) != Lower(b[i]))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// Tells whether a text ends with a suffix, ignoring the case of ASCII letters only.
        /// </summary>
        /// <param name="text">The text.</param>
        /// <param name="suffix">The suffix.</param>
        /// <returns>True when it does.</returns>
        public static bool EndsWith(string text, string suffix)
        {
            return text.Length >= suffix.Length && Equal(text.Substring(text.Length - suffix.Length), suffix);
        }

        private static char Lower(char c)
        {
            return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
        }
    }
}
