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

            for (int i = 0; i < Files.Length; i++)
            {
                ReleaseFile file = Files[i];
                text.Append("file " + file.Name + " " + file.Size.ToString() + " "
                    + (file.Kind == DigestKind.HmacSha256Chain ? HmacChainPrefix : string.Empty) + Hex.Encode(file.Digest) + "\n");
            }

            return AsciiText.GetBytes(text.ToString());
        }
    }
}
