namespace TftpNano.Text
{
    /// <summary>
    /// Strict decimal numbers in text: digits only, no sign, no spaces, a bounded length.
    /// </summary>
    /// <remarks>
    /// The manifest, the install record and the settings file all need this one rule, and
    /// <c>long.TryParse</c> is more lenient (signs, surrounding white space) than a format an attacker may
    /// write should be.
    /// </remarks>
    internal static class DecimalText
    {
        /// <summary>
        /// Reads the digits from <paramref name="start"/> to the end of the text.
        /// </summary>
        /// <param name="text">The text.</param>
        /// <param name="start">Where the number starts.</param>
        /// <param name="maxDigits">The most digits accepted, at most 18.</param>
        /// <returns>The number, or -1 when there are no digits, too many, or anything else.</returns>
        public static long Parse(string text, int start, int maxDigits)
        {
            int length = text.Length - start;
            if (length < 1 || length > maxDigits)
            {
                return -1;
            }

            long value = 0;
            for (int i = start; i < text.Length; i++)
            {
                char c = text[i];
                if (c < '0' || c > '9')
                {
                    return -1;
                }

                value = (value * 10) + (c - '0');
            }

            return value;
        }
    }
}
