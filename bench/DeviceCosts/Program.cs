using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using TftpNano.Security;
using TftpNano.Transfer;

namespace DeviceCosts
{
    /// <summary>
    /// Runs the scenario of <see cref="Scenario"/> once. The interpreter prints the IL instructions it
    /// executed at exit; bench/run.sh --device runs each scenario at two sizes and reports the
    /// difference, so that start-up and set-up cancel out.
    /// </summary>
    public static class Program
    {
        /// <summary>
        /// Runs the scenario.
        /// </summary>
        public static void Main()
        {
            switch (Scenario.Kind)
            {
                case "sha256":
                    Hash(Scenario.Count);
                    break;
                case "chain":
                    if (!Chain(Scenario.Count))
                    {
                        Console.WriteLine("scenario chain unsupported");
                        return;
                    }

                    break;
                case "rsa":
                    Verify(Scenario.Count);
                    break;
                case "download":
                    Download();
                    break;
                case "provision":
                    File.WriteAllText("I:\\tftpnano.conf", Scenario.Text);
                    break;
            }

            Console.WriteLine("scenario " + Scenario.Kind + " done");
        }

        private static void Hash(int bytes)
        {
            byte[] data = new byte[bytes];
            Sha256.Hash(data, 0, data.Length);
        }

        // By reflection, so that the app also builds against sources from before the chain existed.
        private static bool Chain(int bytes)
        {
            Type chain = typeof(Sha256).Assembly.GetType("TftpNano.Security.HmacSha256Chain");
            if (chain == null)
            {
                return false;
            }

            MethodInfo hash = chain.GetMethod("Hash");
            hash.Invoke(null, new object[] { new byte[bytes], 0, bytes });
            return true;
        }

        // The key is parsed once (base64 and all) and verifies `count` times: its Montgomery set-up
        // happens at the first verification only.
        private static void Verify(int count)
        {
            RsaPublicKey key = RsaPublicKey.Parse(Scenario.Key);
            byte[] digest = Convert.FromBase64String(Scenario.Digest);
            byte[] signature = Convert.FromBase64String(Scenario.Signature);
            for (int i = 0; i < count; i++)
            {
                if (!key.VerifySha256(digest, signature))
                {
                    throw new InvalidOperationException("The signature does not verify.");
                }
            }
        }

        // The device's transfer settings (blksize 1468, window 4) into a stream that drops the bytes.
        private static void Download()
        {
            TftpDownloadSettings settings = new TftpDownloadSettings();
            settings.BlockSize = 1468;
            settings.WindowSize = 4;
            TftpDownload download = new TftpDownload(new UdpSocketTransportFactory(), settings);
            long length = download.Run(new IPEndPoint(IPAddress.Parse("127.0.0.1"), Scenario.Port), Scenario.Text, new DiscardStream());
            Console.WriteLine("received " + length.ToString() + " bytes");
        }
    }
}
