using System;
using System.Text;
using TftpNano.Security;
using TftpNano.Text;

namespace TftpNano.Update.Storage
{
    /// <summary>
    /// The record of what is installed: the active release folder, the one to roll back to, and the trial.
    /// </summary>
    /// <remarks>
    /// Stored as a few ASCII lines ending in a SHA-256 of the lines before it, so that a record torn by a
    /// power cut is recognised rather than half believed.
    /// </remarks>
    public sealed class InstallState
    {
        private const string Header = "tftpnano-state 1";

        /// <summary>
        /// Gets or sets the number of the last commit; release folders are named after it, so never reused.
        /// </summary>
        public long Sequence { get; set; }

        /// <summary>
        /// Gets or sets the folder of the active release, or null when nothing is installed.
        /// </summary>
        public string Active { get; set; }

        /// <summary>
        /// Gets or sets the folder of the release to roll back to, or null.
        /// </summary>
        public string Previous { get; set; }

        /// <summary>
        /// Gets or sets whether the application confirmed that the active release starts properly.
        /// </summary>
        public bool Confirmed { get; set; }

        /// <summary>
        /// Gets or sets how often the active release was started without being confirmed.
        /// </summary>
        public int Boots { get; set; }

        /// <summary>
        /// Gets or sets the highest version rolled back: it and every version below it that is newer than
        /// the active release are not installed; null for none.
        /// </summary>
        public string Rejected { get; set; }

        /// <summary>
        /// Gets or sets the digest (HMAC-SHA256 chain, hexadecimal) of a verified manifest whose release
        /// could not be stored: it found no room, or a storage call stalled while it was stored (the one
        /// known cause of which is a full card; see <c>StorageWatchdog</c>). While the server offers
        /// exactly that manifest, nothing more is fetched; null for none. Written only when set, so that
        /// records without it read as before.
        /// </summary>
        public string TooLarge { get; set; }

        /// <summary>
        /// Writes the record with its checksum.
        /// </summary>
        /// <returns>The ASCII bytes.</returns>
        public byte[] ToBytes()
        {
            StringBuilder text = new StringBuilder();
            text.Append(Header + "\n");
            text.Append("sequence " + Sequence.ToString() + "\n");
            text.Append("active " + (Active == null ? "-" : Active) + "\n");
            text.Append("previous " + (Previous == null ? "-" : Previous) + "\n");
            text.Append("confirmed " + (Confirmed ? "yes" : "no") + "\n");
            text.Append("boots " + Boots.ToString() + "\n");
            text.Append("rejected " + (Rejected == null ? "-" : Rejected) + "\n");
            if (TooLarge != null)
            {
                text.Append("too-large " + TooLarge + "\n");
            }
            byte[] body = AsciiText.GetBytes(text.ToString());
            byte[] check = AsciiText.GetBytes("check " + Hex.Encode(Sha256.Hash(body, 0, body.Length)) + "\n");
            byte[] result = new byte[body.Length + check.Length];
            Array.Copy(body, result, body.Length);
            Array.Copy(check, 0, result, body.Length, check.Length);
            return result;
        }

        /// <summary>
        /// Reads a record.
        /// </summary>
        /// <param name="data">The bytes.</param>
        /// <param name="count">How many of them belong to the record.</param>
        /// <returns>The record, or null when it is torn, damaged or not a record.</returns>
        public static InstallState TryParse(byte[] data, int count)
        {
            char[] chars = new char[count];
            for (int i = 0; i < count; i++)
            {
                if (data[i] > 0x7E)
                {
                    return null;
                }

                chars[i] = (char)data[i];
            }

            string text = new string(chars);
            int checkAt = text.LastIndexOf("check ");
            if (checkAt <= 0 || !text.StartsWith(Header + "\n") || text[count - 1] != '\n')
            {
                return null;
            }

            byte[] expected = Hex.Decode(text.Substring(checkAt + 6, count - checkAt - 7), Sha256.HashLength);
            byte[] actual = Sha256.Hash(data, 0, checkAt);
            if (expected == null)
            {
                return null;
            }

            for (int i = 0; i < actual.Length; i++)
            {
                if (expected[i] != actual[i])
                {
                    return null;
                }
            }

            string[] lines = text.Substring(0, checkAt).Split(new char[] { '\n' });
            if (lines.Length != 8 && lines.Length != 9)
            {
                return null;
            }

            InstallState state = new InstallState();
            long sequence = DecimalText.Parse(Value(lines[1], "sequence"), 0, 18);
            long boots = DecimalText.Parse(Value(lines[5], "boots"), 0, 9);
            if (sequence < 0 || boots < 0)
            {
                return null;
            }

            state.Sequence = sequence;
            state.Active = Optional(Value(lines[2], "active"));
            state.Previous = Optional(Value(lines[3], "previous"));
            state.Confirmed = Value(lines[4], "confirmed") == "yes";
            state.Boots = (int)boots;
            state.Rejected = Optional(Value(lines[6], "rejected"));
            if (lines.Length == 9)
            {
                state.TooLarge = Optional(Value(lines[7], "too-large"));
                if (state.TooLarge == null)
                {
                    return null;
                }
            }

            return state;
        }

        /// <summary>
        /// Copies the record.
        /// </summary>
        /// <returns>An independent copy.</returns>
        public InstallState Clone()
        {
            InstallState copy = new InstallState();
            copy.Sequence = Sequence;
            copy.Active = Active;
            copy.Previous = Previous;
            copy.Confirmed = Confirmed;
            copy.Boots = Boots;
            copy.Rejected = Rejected;
            copy.TooLarge = TooLarge;
            return copy;
        }

        private static string Value(string line, string key)
        {
            return line.StartsWith(key + " ") ? line.Substring(key.Length + 1) : string.Empty;
        }

        private static string Optional(string value)
        {
            return value == "-" || value.Length == 0 ? null : value;
        }

    }
}
