using System;
using TftpNano.Text;
using TftpNano.Update;

namespace TftpNano.Device.Tests
{
    /// <summary>
    /// Byte helpers the test framework lacks on both platforms.
    /// </summary>
    internal static class TestBytes
    {
        /// <summary>
        /// Reads hexadecimal of any even length.
        /// </summary>
        /// <param name="text">The digits.</param>
        /// <returns>The bytes.</returns>
        public static byte[] FromHex(string text)
        {
            byte[] bytes = Hex.Decode(text, text.Length / 2);
            if (bytes == null)
            {
                throw new ArgumentException("Not hexadecimal: " + text);
            }

            return bytes;
        }

        /// <summary>
        /// The bytes of an ASCII string.
        /// </summary>
        /// <param name="text">ASCII text.</param>
        /// <returns>One byte per character.</returns>
        public static byte[] Ascii(string text)
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
