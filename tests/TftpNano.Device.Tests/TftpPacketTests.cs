using System.Collections;
using TftpNano.Protocol;
using nanoFramework.TestFramework;

namespace TftpNano.Device.Tests
{
    /// <summary>
    /// The packet codec and the protocol rules both roles share: what they write, what they read and
    /// what they refuse, in the interpreter as on the host.
    /// </summary>
    [TestClass]
    public class TftpPacketTests
    {
        [TestMethod]
        public void ARequestWithOptionsRoundTrips()
        {
            TftpOptions options = new TftpOptions();
            options.BlockSize = 1468;
            options.WindowSize = 4;
            options.TimeoutSeconds = 1;
            options.TransferSize = 0;
            byte[] buffer = new byte[128];
            int length = TftpPacket.WriteRequest(buffer, TftpOpcode.ReadRequest, "image.bin", options);
            AssertBytes(Packet(1, "image.bin", "octet", "blksize", "1468", "tsize", "0", "timeout", "1", "windowsize", "4"), buffer, length);
#if !NANOFRAMEWORK_1_0

            // Read back as a server reads it: only the desktop build parses requests.
            TftpRequest request = TftpPacket.ReadRequest(buffer, length);
            Assert.AreEqual("image.bin", request.FileName);
            Assert.AreEqual("octet", request.Mode);
            Assert.AreEqual(1468, request.Options.BlockSize);
            Assert.AreEqual(4, request.Options.WindowSize);
            Assert.AreEqual(1, request.Options.TimeoutSeconds);
            Assert.AreEqual(0L, request.Options.TransferSize);
#endif
        }

#if !NANOFRAMEWORK_1_0
        [TestMethod]
        public void OptionNamesAndTheModeFoldByAsciiCase()
        {
            byte[] packet = Packet(1, "a", "OCTET", "BlkSize", "1024", "mystery", "1");
            TftpRequest request = TftpPacket.ReadRequest(packet, packet.Length);
            Assert.AreEqual("octet", request.Mode);
            Assert.AreEqual(1024, request.Options.BlockSize);
            Assert.AreEqual("mystery", request.Options.UnrecognizedOption);
        }

#endif
        [TestMethod]
        public void DataAckAndErrorAreWrittenAsRfc1350Says()
        {
            byte[] buffer = new byte[32];
            Assert.AreEqual(4, TftpPacket.WriteDataHeader(buffer, 65535));
            AssertBytes(new byte[] { 0, 3, 0xFF, 0xFF }, buffer, 4);
            Assert.AreEqual(4, TftpPacket.WriteAcknowledgement(buffer, 258));
            AssertBytes(new byte[] { 0, 4, 1, 2 }, buffer, 4);

            int length = TftpPacket.WriteError(buffer, TftpErrorCode.UnknownTransferId, "Unknown transfer ID");
            string message;
            Assert.AreEqual((int)TftpErrorCode.UnknownTransferId, (int)TftpPacket.ReadError(buffer, length, out message));
            Assert.AreEqual("Unknown transfer ID", message);
            Assert.IsTrue(TftpPacket.IsError(buffer, length));
            Assert.IsFalse(TftpPacket.IsError(new byte[] { 0, 4, 0, 1 }, 4));
        }

        [TestMethod]
        public void AMalformedErrorStillReadsAsAnError()
        {
            byte[] unterminated = Packet(5, 1, Bytes("File not found"));
            string message;
            Assert.AreEqual((int)TftpErrorCode.NotDefined, (int)TftpPacket.ReadAnyError(unterminated, unterminated.Length, out message));
            Assert.Contains("NUL", message);
        }

        [TestMethod]
        public void DataLongerThanTheBlockIsRefused()
        {
            byte[] packet = new byte[4 + 513];
            TftpPacket.WriteDataHeader(packet, 7);
            Assert.AreEqual(7, TftpPacket.ReadBlockNumber(packet, packet.Length));
            Assert.AreEqual(512, TftpPacket.ReadDataLength(packet, 516, 512));
            Assert.ThrowsException(typeof(TftpException), delegate { TftpPacket.ReadDataLength(packet, 517, 512); });
        }

#if !NANOFRAMEWORK_1_0
        [TestMethod]
        public void MalformedRequestsAreRefused()
        {
            object[] malformed = new object[]
            {
                new byte[0],
                new byte[] { 0 },
                Packet(0, 1),
                Packet(7, 1),
                Packet(1, Bytes("file")),
                Packet(1, "file"),
                Packet(1, "", "octet"),
                Packet(1, new byte[] { 0x66, 0xC3, 0xA9, 0 }, "octet"),
                Packet(1, "f", "octet", "blksize"),
                Packet(1, "f", "octet", "blksize", "512", "BLKSIZE", "1024"),
            };
            for (int i = 0; i < malformed.Length; i++)
            {
                byte[] packet = (byte[])malformed[i];
                Assert.ThrowsException(typeof(TftpException), delegate { TftpPacket.ReadRequest(packet, packet.Length); }, "case " + i.ToString());
            }
        }

        [TestMethod]
        public void ARequestsOptionWithAnInvalidValueReadsAsNotAskedFor()
        {
            // RFC 2347: a server leaves out of its OACK the options it does not take.
            object[] invalid = new object[]
            {
                Packet(1, "f", "octet", "blksize", "big"),
                Packet(1, "f", "octet", "blksize", "7"),
                Packet(1, "f", "octet", "blksize", "65465"),
                Packet(1, "f", "octet", "windowsize", "0"),
                Packet(1, "f", "octet", "timeout", "256"),
                Packet(1, "f", "octet", "tsize", "-1"),
            };
            for (int i = 0; i < invalid.Length; i++)
            {
                byte[] packet = (byte[])invalid[i];
                TftpOptions options = TftpPacket.ReadRequest(packet, packet.Length).Options;
                Assert.AreEqual(0, options.BlockSize + options.WindowSize + options.TimeoutSeconds, "case " + i.ToString());
                Assert.AreEqual(-1L, options.TransferSize, "case " + i.ToString());
            }
        }

#endif
        [TestMethod]
        public void BlockNumbersAreComparedModulo65536()
        {
            Assert.AreEqual(0, BlockNumber.Ahead(1, 1));
            Assert.AreEqual(3, BlockNumber.Ahead(4, 1));
            Assert.AreEqual(65535, BlockNumber.Ahead(0, 1), "one behind");
            Assert.AreEqual(0, BlockNumber.Ahead(0, 65536), "block 65536 is 0 on the wire");
            Assert.AreEqual(2, BlockNumber.Ahead(1, 65535));
            Assert.AreEqual(4464, BlockNumber.OnTheWire(70000));
        }

        [TestMethod]
        public void AServerGrantsNoMoreThanAskedAndAClientRefusesMore()
        {
            TftpOptions asked = new TftpOptions();
            asked.BlockSize = 1468;
            asked.WindowSize = 4;
            asked.TimeoutSeconds = 3;
            asked.TransferSize = 0;

#if !NANOFRAMEWORK_1_0
            // Granted as a server grants: only the desktop build serves.
            TftpOptions granted = TftpOptions.Grant(asked, 1024, 64, 5, 3000);
            Assert.AreEqual(1024, granted.BlockSize);
            Assert.AreEqual(4, granted.WindowSize);
            Assert.AreEqual(3, granted.TimeoutSeconds);
            Assert.AreEqual(3000L, granted.TransferSize);
            Assert.IsNull(TftpOptions.FindExcess(granted, asked));
            Assert.AreEqual(0, TftpOptions.Grant(Timeout(9), 1024, 64, 5, 3000).TimeoutSeconds, "a timeout is echoed or left out");

#endif
            TftpOptions smaller = new TftpOptions();
            smaller.BlockSize = 1024;
            smaller.WindowSize = 4;
            smaller.TransferSize = 3000;
            Assert.IsNull(TftpOptions.FindExcess(smaller, asked));

            TftpOptions larger = new TftpOptions();
            larger.BlockSize = 4096;
            Assert.Contains("blksize 4096", TftpOptions.FindExcess(larger, asked));
            TftpOptions other = new TftpOptions();
            other.TimeoutSeconds = 2;
            Assert.Contains("timeout 2", TftpOptions.FindExcess(other, asked));
        }

        private static TftpOptions Timeout(int seconds)
        {
            TftpOptions options = new TftpOptions();
            options.TimeoutSeconds = seconds;
            return options;
        }

        // A packet from an opcode and fields: ints are 16-bit numbers, strings NUL-terminated, byte[] as is.
        private static byte[] Packet(int opcode, params object[] fields)
        {
            ArrayList bytes = new ArrayList();
            bytes.Add((byte)(opcode >> 8));
            bytes.Add((byte)opcode);
            for (int i = 0; i < fields.Length; i++)
            {
                if (fields[i] is int)
                {
                    int value = (int)fields[i];
                    bytes.Add((byte)(value >> 8));
                    bytes.Add((byte)value);
                }
                else if (fields[i] is string)
                {
                    byte[] text = Bytes((string)fields[i]);
                    for (int j = 0; j < text.Length; j++)
                    {
                        bytes.Add(text[j]);
                    }

                    bytes.Add((byte)0);
                }
                else
                {
                    byte[] raw = (byte[])fields[i];
                    for (int j = 0; j < raw.Length; j++)
                    {
                        bytes.Add(raw[j]);
                    }
                }
            }

            byte[] packet = new byte[bytes.Count];
            for (int i = 0; i < packet.Length; i++)
            {
                packet[i] = (byte)bytes[i];
            }

            return packet;
        }

        private static byte[] Bytes(string text)
        {
            return TestBytes.Ascii(text);
        }

        private static void AssertBytes(byte[] expected, byte[] actual, int length)
        {
            Assert.AreEqual(expected.Length, length, "length");
            for (int i = 0; i < length; i++)
            {
                Assert.AreEqual((int)expected[i], (int)actual[i], "byte " + i.ToString());
            }
        }
    }
}
