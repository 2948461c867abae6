using TftpNano.Boot;
using TftpNano.Text;

namespace TftpNano.Update
{
    // The report's text: ASCII lines of a key, one space and a value, in this order, a line left out
    // when its value is not known:
    //
    //   tftpnano-report 1
    //   device dev-07
    //   event boot
    //   release 2.0.0                          (or: release none)
    //   state trial 1 of 3                     (or: state confirmed)
    //   rolled-back-from 2.1.0
    //   outcome refused                        (installed, up_to_date, skipped, refused, not_checked, not_in_rollout)
    //   failure signature_invalid              (with outcome refused)
    //   message The manifest's signature does not match the channel's key.
    //   boot-app 1.4.0.0
    //   firmware 1.12.0.4
    //   firmware-line 2026-07
    //   native System.Net 0x8EFB9944
    //   native System.IO.FileSystem 0x1777E2FE
    //   free-bytes 123456
    //   uptime-ms 81234
    //
    // Words are spelled as the CLI's JSON spells them. A reader skips keys it does not know, so that a
    // newer device's report still reads.
    public sealed partial class DeviceReport
    {
        private const string Header = "tftpnano-report 1";

        // Values are cut to these lengths: a report never nears MaxLength, whatever a message says.
        private const int MaxValueLength = 80;
        private const int MaxMessageLength = 300;

        /// <summary>
        /// Gets the running release's state as the report writes it: <c>confirmed</c>, <c>trial N of M</c>,
        /// or <c>none</c> without a release.
        /// </summary>
        public string State
        {
            get
            {
                if (Release == null)
                {
                    return "none";
                }

                return Confirmed ? "confirmed" : "trial " + TrialBoot.ToString() + " of " + TrialBoots.ToString();
            }
        }

        /// <summary>
        /// Gets the outcome as the report writes it, such as <c>up_to_date</c>, or null when the report
        /// follows no update attempt.
        /// </summary>
        public string OutcomeWord
        {
            get { return OutcomeToWord(Outcome); }
        }

        /// <summary>
        /// Gets the failure as the report writes it, such as <c>signature_invalid</c>, or null when the
        /// update was not refused.
        /// </summary>
        public string FailureWord
        {
            get { return Outcome == UpdateOutcome.Refused ? FailureToWord(Failure) : null; }
        }

        /// <summary>
        /// Encodes the report: ASCII lines, at most <see cref="MaxLength"/> bytes.
        /// </summary>
        /// <returns>The file's bytes.</returns>
        public byte[] ToBytes()
        {
            // Twice: once to count the bytes, once to write them into an array of that length, so that
            // a device allocates the report once, and no buffer beside it.
            byte[] bytes = new byte[Write(null)];
            Write(bytes);
            return bytes;
        }

        // Writes the lines into the buffer, or only counts them when it is null; returns their length.
        // Every value is cut to its length, so the lines together stay far below MaxLength.
        private int Write(byte[] buffer)
        {
            int length = Line(buffer, 0, Header, null, MaxValueLength);
            length = Line(buffer, length, "device", DeviceId, MaxValueLength);
            length = Line(buffer, length, "event", Event, MaxValueLength);
            length = Line(buffer, length, "release", Release == null ? "none" : Release, MaxValueLength);
            length = Line(buffer, length, "state", State, MaxValueLength);
            length = Line(buffer, length, "rolled-back-from", RolledBackFrom, MaxValueLength);
            length = Line(buffer, length, "outcome", OutcomeWord, MaxValueLength);
            length = Line(buffer, length, "failure", FailureWord, MaxValueLength);
            length = Line(buffer, length, "message", Message, MaxMessageLength);
            length = Line(buffer, length, "boot-app", BootApp, MaxValueLength);
            length = Line(buffer, length, "firmware", Firmware, MaxValueLength);
            length = Line(buffer, length, "firmware-line", FirmwareLine, MaxValueLength);
            if (FirmwareLine != null)
            {
                length = Line(buffer, length, "native", "System.Net " + Boot.FirmwareLine.SystemNetChecksum(FirmwareLine), MaxValueLength);
                length = Line(buffer, length, "native", "System.IO.FileSystem " + Boot.FirmwareLine.FileSystemChecksum, MaxValueLength);
            }

            length = Line(buffer, length, "free-bytes", FreeBytes < 0 ? null : FreeBytes.ToString(), MaxValueLength);
            return Line(buffer, length, "uptime-ms", UptimeMs.ToString(), MaxValueLength);
        }

        /// <summary>
        /// Reads a report.
        /// </summary>
        /// <param name="data">The file's bytes.</param>
        /// <param name="length">How many of them.</param>
        /// <returns>The report, or null when the bytes are not a report (no header, too long, no valid device id).</returns>
        public static DeviceReport Parse(byte[] data, int length)
        {
            if (data == null || length > MaxLength || length > data.Length)
            {
                return null;
            }

            DeviceReport report = null;
            int position = 0;
            while (position < length)
            {
                string line = AsciiText.ReadLine(data, length, ref position);
                if (report == null)
                {
                    if (line != Header)
                    {
                        return null;
                    }

                    report = new DeviceReport();
                    continue;
                }

                int space = line.IndexOf(' ');
                if (space > 0)
                {
                    report.Read(line.Substring(0, space), line.Substring(space + 1));
                }
            }

            return report != null && StagedRollout.CheckDeviceId(report.DeviceId) == null ? report : null;
        }

        private void Read(string key, string value)
        {
            switch (key)
            {
                case "device": DeviceId = value; break;
                case "event": Event = value; break;
                case "release": Release = value == "none" ? null : value; break;
                case "state": ReadState(value); break;
                case "rolled-back-from": RolledBackFrom = value; break;
                case "outcome": Outcome = WordToOutcome(value); break;
                case "failure": Failure = WordToFailure(value); break;
                case "message": Message = value; break;
                case "boot-app": BootApp = value; break;
                case "firmware": Firmware = value; break;
                case "firmware-line": FirmwareLine = value; break;
                case "free-bytes": FreeBytes = DecimalText.Parse(value, 0, 18); break;
                case "uptime-ms": UptimeMs = DecimalText.Parse(value, 0, 18); break;
            }
        }

        // "confirmed", or "trial N of M".
        private void ReadState(string value)
        {
            Confirmed = value == "confirmed";
            int of = value.IndexOf(" of ");
            if (value.StartsWith("trial ") && of > 6)
            {
                TrialBoot = (int)DecimalText.Parse(value.Substring(6, of - 6), 0, 9);
                TrialBoots = (int)DecimalText.Parse(value, of + 4, 9);
            }
        }

        // Writes "KEY VALUE\n" (or KEY alone for the header) at the given place, or only counts it when
        // the buffer is null: the value kept to printable ASCII on one line and cut to its length; a
        // null value writes nothing. Returns where the next line starts.
        private static int Line(byte[] buffer, int at, string key, string value, int maxLength)
        {
            if (value == null && key != Header)
            {
                return at;
            }

            int length = value == null ? 0 : (value.Length < maxLength ? value.Length : maxLength);
            if (buffer == null)
            {
                return at + key.Length + (value == null ? 0 : 1 + length) + 1;
            }

            for (int i = 0; i < key.Length; i++)
            {
                buffer[at++] = (byte)key[i];
            }

            if (value != null)
            {
                buffer[at++] = (byte)' ';
                for (int i = 0; i < length; i++)
                {
                    char c = value[i];
                    buffer[at++] = c >= ' ' && c <= '~' ? (byte)c : (byte)'?';
                }
            }

            buffer[at++] = (byte)'\n';
            return at;
        }

        // The words by switch, not by a static table: a device's heap holds no table for a report
        // written once per boot (and nanoCLR's == crashes on a table's null entry).
        private static string OutcomeToWord(UpdateOutcome outcome)
        {
            switch (outcome)
            {
                case UpdateOutcome.Installed: return "installed";
                case UpdateOutcome.UpToDate: return "up_to_date";
                case UpdateOutcome.Skipped: return "skipped";
                case UpdateOutcome.Refused: return "refused";
                case UpdateOutcome.NotChecked: return "not_checked";
                case UpdateOutcome.NotInRollout: return "not_in_rollout";
                default: return null;
            }
        }

        private static UpdateOutcome WordToOutcome(string word)
        {
            for (int outcome = 1; outcome <= (int)UpdateOutcome.NotInRollout; outcome++)
            {
                if (OutcomeToWord((UpdateOutcome)outcome) == word)
                {
                    return (UpdateOutcome)outcome;
                }
            }

            return 0;
        }

        private static string FailureToWord(UpdateFailure failure)
        {
            switch (failure)
            {
                case UpdateFailure.InvalidManifest: return "invalid_manifest";
                case UpdateFailure.ManifestTooLarge: return "manifest_too_large";
                case UpdateFailure.TooManyFiles: return "too_many_files";
                case UpdateFailure.InvalidFileName: return "invalid_file_name";
                case UpdateFailure.SignatureMissing: return "signature_missing";
                case UpdateFailure.SignatureInvalid: return "signature_invalid";
                case UpdateFailure.Downgrade: return "downgrade";
                case UpdateFailure.SizeMismatch: return "size_mismatch";
                case UpdateFailure.HashMismatch: return "hash_mismatch";
                case UpdateFailure.Download: return "download";
                case UpdateFailure.InsufficientSpace: return "insufficient_space";
                case UpdateFailure.Storage: return "storage";
                case UpdateFailure.WrongChannel: return "wrong_channel";
                case UpdateFailure.IncompatibleRelease: return "incompatible_release";
                default: return "unexpected";
            }
        }

        private static UpdateFailure WordToFailure(string word)
        {
            for (int failure = 0; failure < (int)UpdateFailure.Unexpected; failure++)
            {
                if (FailureToWord((UpdateFailure)failure) == word)
                {
                    return (UpdateFailure)failure;
                }
            }

            return UpdateFailure.Unexpected;
        }
    }
}
