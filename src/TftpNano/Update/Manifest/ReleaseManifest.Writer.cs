using System;
using System.Collections;
using System.Text;
using TftpNano.Security;
using TftpNano.Text;

namespace TftpNano.Update.Manifest
{
    // Writing a manifest in its one canonical form.
    public sealed partial class ReleaseManifest
    {
        /// <summary>
        /// Writes the manifest in its one canonical form, which <see cref="Parse"/> reads back.
        /// </summary>
        /// <returns>The ASCII bytes, each line ending in a line feed.</returns>
        public byte[] ToBytes()
        {
            StringBuilder text = new StringBuilder();
            text.Append(Header + " " + FormatVersion.ToString() + "\n");
            if (Channel.Length > 0)
            {
                text.Append("channel " + Channel + "\n");
            }

            text.Append("version " + Version.ToString() + "\n");
            text.Append("entry " + EntryType + "." + EntryMethod + "\n");
            for (int i = 0; i < Needs.Length; i++)
            {
                text.Append("needs " + Needs[i].ToString() + "\n");
            }

            if (RolloutPercent < 100)
            {
                text.Append("rollout " + RolloutPercent.ToString() + "\n");
            }

            WriteDevices(text);
            for (int i = 0; i < Files.Length; i++)
            {
                ReleaseFile file = Files[i];
                text.Append("file " + file.Name + " " + file.Size.ToString() + " "
                    + (file.Kind == DigestKind.HmacSha256Chain ? HmacChainPrefix : string.Empty) + Hex.Encode(file.Digest) + "\n");
            }

            return AsciiText.GetBytes(text.ToString());
        }

        // As many ids on each devices line as fit in a line.
        private void WriteDevices(StringBuilder text)
        {
            int lineLength = 0;
            for (int i = 0; i < Devices.Length; i++)
            {
                if (lineLength > 0 && lineLength + 1 + Devices[i].Length > MaxLineLength)
                {
                    text.Append("\n");
                    lineLength = 0;
                }

                if (lineLength == 0)
                {
                    text.Append("devices");
                    lineLength = "devices".Length;
                }

                text.Append(" " + Devices[i]);
                lineLength += 1 + Devices[i].Length;
            }

            if (lineLength > 0)
            {
                text.Append("\n");
            }
        }
    }
}
