using System.Text;

namespace TftpNano.Cli;

/// <summary>
/// Text from the network made safe for a terminal or a log: a client's file name, a server's error message.
/// </summary>
internal static class Printable
{
    /// <summary>
    /// Escapes control characters, the backslash and everything outside printable ASCII as <c>\xNN</c>
    /// (or <c>\uNNNN</c>), so that no escape sequence or line break from a peer reaches the terminal.
    /// </summary>
    /// <param name="text">Untrusted text.</param>
    /// <returns>The text, printable.</returns>
    public static string Escape(string text)
    {
        StringBuilder? escaped = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool plain = c >= ' ' && c < '\x7f' && c != '\\';
            if (plain)
            {
                escaped?.Append(c);
                continue;
            }

            escaped ??= new StringBuilder(text, 0, i, text.Length + 16);
            escaped.Append(c <= '\xff' ? $"\\x{(int)c:x2}" : $"\\u{(int)c:x4}");
        }

        return escaped?.ToString() ?? text;
    }
}
