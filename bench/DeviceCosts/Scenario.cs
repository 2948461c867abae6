namespace DeviceCosts
{
    /// <summary>
    /// The scenario a build runs. bench/run.sh --device writes this file, in its own copy of the
    /// project, before each build; as committed it runs the baseline.
    /// </summary>
    internal static class Scenario
    {
        /// <summary>What to run: baseline, sha256, rsa, download or provision.</summary>
        public static readonly string Kind = "baseline";

        /// <summary>How many bytes to hash, or verifications to run.</summary>
        public static readonly int Count = 0;

        /// <summary>The public key (base64 modulus) for rsa.</summary>
        public static readonly string Key = "";

        /// <summary>A SHA-256 digest (base64) signed by <see cref="Signature"/>.</summary>
        public static readonly string Digest = "";

        /// <summary>The signature (base64) for rsa.</summary>
        public static readonly string Signature = "";

        /// <summary>The server's port on 127.0.0.1, for download.</summary>
        public static readonly int Port = 0;

        /// <summary>The file to download, or the text to write to I:\tftpnano.conf for provision.</summary>
        public static readonly string Text = "";
    }
}
