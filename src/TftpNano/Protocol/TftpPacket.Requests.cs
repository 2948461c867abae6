using TftpNano.Text;

namespace TftpNano.Protocol
{
    // The request parsing only a server needs: compiled for the desktop, and left out of the device's build
    // (the nanoFramework project does not list this file), which never receives a request.
    public static partial class TftpPacket
    {
        /// <summary>
        /// Reads a read or write request.
        /// </summary>
        /// <param name="packet">The received bytes.</param>
        /// <param name="length">The packet length.</param>
        /// <returns>The request.</returns>
        public static TftpRequest ReadRequest(byte[] packet, int length)
        {
            TftpOpcode opcode = ReadOpcode(packet, length);
            if (opcode != TftpOpcode.ReadRequest && opcode != TftpOpcode.WriteRequest)
            {
                throw Malformed("Expected RRQ or WRQ, got opcode " + ((int)opcode).ToString() + ".");
            }

            int nameEnd = FindTerminator(packet, 2, length);
            if (nameEnd < 0)
            {
                throw Malformed("The file name is not terminated by a NUL byte.");
            }

            if (nameEnd == 2)
            {
                throw Malformed("The file name is empty.");
            }

            int modeEnd = FindTerminator(packet, nameEnd + 1, length);
            if (modeEnd < 0)
            {
                throw Malformed("The transfer mode is not terminated by a NUL byte.");
            }

            string fileName = ReadText(packet, 2, nameEnd, true, "file name");
            string mode = AsciiCase.ToLower(ReadText(packet, nameEnd + 1, modeEnd, true, "transfer mode"));
            // RFC 2347: a server takes the options it can and leaves out the rest, so a request's option
            // with a value out of range is ignored; an OACK's, the server's answer, is refused.
            return new TftpRequest(opcode, fileName, mode, ReadOptions(packet, modeEnd + 1, length, true));
        }
    }
}
