using System;
using TftpNano.Text;

namespace TftpNano.Protocol
{
    /// <summary>
    /// Encodes and decodes TFTP packets in caller-owned byte arrays.
    /// </summary>
    /// <remarks>
    /// Nothing here allocates on the data path: DATA and ACK are read and written in place, and only
    /// the rare packets that carry text (requests, OACK, ERROR) produce strings. Every decoder checks
    /// the whole packet and throws <see cref="TftpException"/> with <see cref="TftpFailure.MalformedPacket"/>
    /// rather than guessing.
    /// </remarks>
    public static partial class TftpPacket
    {
        /// <summary>The size of the opcode and block number that precede the payload of a DATA packet.</summary>
        public const int DataHeaderLength = 4;

        /// <summary>The block size of RFC 1350, used whenever no blksize option was agreed.</summary>
        public const int DefaultBlockSize = 512;

        /// <summary>The size of an ACK packet.</summary>
        public const int AcknowledgementLength = 4;

        // The longest decimal number an option value may carry: tsize fits a long with room to spare.
        private const int MaxDigits = 18;

        /// <summary>
        /// Writes a read or write request.
        /// </summary>
        /// <param name="buffer">The destination.</param>
        /// <param name="opcode"><see cref="TftpOpcode.ReadRequest"/> or <see cref="TftpOpcode.WriteRequest"/>.</param>
        /// <param name="fileName">The file name: non-empty ASCII without NUL.</param>
        /// <param name="options">The options to ask for, or null for a plain RFC 1350 request.</param>
        /// <returns>The packet length.</returns>
        public static int WriteRequest(byte[] buffer, TftpOpcode opcode, string fileName, TftpOptions options)
        {
            if (opcode != TftpOpcode.ReadRequest && opcode != TftpOpcode.WriteRequest)
            {
                throw new ArgumentException("A request is RRQ or WRQ.", "opcode");
            }

            if (fileName == null || fileName.Length == 0)
            {
                throw new ArgumentException("The file name is empty.", "fileName");
            }

            int position = WriteOpcode(buffer, opcode);
            position = WriteString(buffer, position, fileName, "fileName");
            position = WriteString(buffer, position, "octet", "mode");
            return WriteOptions(buffer, position, options);
        }

        /// <summary>
        /// Writes the header of a DATA packet; the payload goes at <see cref="DataHeaderLength"/>.
        /// </summary>
        /// <param name="buffer">The destination.</param>
        /// <param name="block">The block number, 0 to 65535.</param>
        /// <returns>The header length.</returns>
        public static int WriteDataHeader(byte[] buffer, int block)
        {
            WriteOpcode(buffer, TftpOpcode.Data);
            WriteUInt16(buffer, 2, block);
            return DataHeaderLength;
        }

        /// <summary>
        /// Writes an ACK packet.
        /// </summary>
        /// <param name="buffer">The destination.</param>
        /// <param name="block">The block number, 0 to 65535.</param>
        /// <returns>The packet length.</returns>
        public static int WriteAcknowledgement(byte[] buffer, int block)
        {
            WriteOpcode(buffer, TftpOpcode.Acknowledgement);
            WriteUInt16(buffer, 2, block);
            return AcknowledgementLength;
        }

        /// <summary>
        /// Writes an ERROR packet. A message that does not fit is cut; characters outside ASCII become '?'.
        /// </summary>
        /// <param name="buffer">The destination, at least 5 bytes.</param>
        /// <param name="code">The error code.</param>
        /// <param name="message">The message, or null.</param>
        /// <returns>The packet length.</returns>
        public static int WriteError(byte[] buffer, TftpErrorCode code, string message)
        {
            int position = WriteOpcode(buffer, TftpOpcode.Error);
            position = WriteUInt16(buffer, position, (int)code);
            int room = buffer.Length - position - 1;
            int count = message == null ? 0 : (message.Length < room ? message.Length : room);
            for (int i = 0; i < count; i++)
            {
                char c = message[i];
                buffer[position++] = c > 0 && c < 0x80 ? (byte)c : (byte)'?';
            }

            buffer[position++] = 0;
            return position;
        }

        /// <summary>
        /// Writes an OACK packet with the options that are present in <paramref name="options"/>.
        /// </summary>
        /// <param name="buffer">The destination.</param>
        /// <param name="options">The granted options.</param>
        /// <returns>The packet length.</returns>
        public static int WriteOptionAcknowledgement(byte[] buffer, TftpOptions options)
        {
            return WriteOptions(buffer, WriteOpcode(buffer, TftpOpcode.OptionAcknowledgement), options);
        }

        /// <summary>
        /// Reads the opcode of a packet.
        /// </summary>
        /// <param name="packet">The received bytes.</param>
        /// <param name="length">How many of them belong to the packet.</param>
        /// <returns>The opcode.</returns>
        public static TftpOpcode ReadOpcode(byte[] packet, int length)
        {
            if (length < 2)
            {
                throw Malformed("The packet is " + length.ToString() + " bytes long; an opcode needs 2.");
            }

            int opcode = ReadUInt16(packet, 0);
            if (opcode < (int)TftpOpcode.ReadRequest || opcode > (int)TftpOpcode.OptionAcknowledgement)
            {
                throw Malformed("Unknown opcode " + opcode.ToString() + ".");
            }

            return (TftpOpcode)opcode;
        }

        /// <summary>
        /// Reads the block number of a DATA or ACK packet.
        /// </summary>
        /// <param name="packet">The received bytes.</param>
        /// <param name="length">The packet length.</param>
        /// <returns>The block number, 0 to 65535.</returns>
        public static int ReadBlockNumber(byte[] packet, int length)
        {
            if (length < DataHeaderLength)
            {
                throw Malformed("The packet is " + length.ToString() + " bytes long; DATA and ACK need 4.");
            }

            return ReadUInt16(packet, 2);
        }

        /// <summary>
        /// Checks a DATA packet against the agreed block size and returns the payload length.
        /// </summary>
        /// <param name="packet">The received bytes.</param>
        /// <param name="length">The packet length.</param>
        /// <param name="blockSize">The agreed block size.</param>
        /// <returns>The payload length, 0 to <paramref name="blockSize"/>.</returns>
        public static int ReadDataLength(byte[] packet, int length, int blockSize)
        {
            ReadBlockNumber(packet, length);
            int payload = length - DataHeaderLength;
            if (payload > blockSize)
            {
                throw Malformed("A DATA packet carries " + payload.ToString() + " bytes; the block size is "
                    + blockSize.ToString() + ".");
            }

            return payload;
        }

        /// <summary>
        /// Reads an ERROR packet.
        /// </summary>
        /// <param name="packet">The received bytes.</param>
        /// <param name="length">The packet length.</param>
        /// <param name="message">The message; bytes outside ASCII read as '?'.</param>
        /// <returns>The error code; codes beyond RFC 2347 are passed through as numbers.</returns>
        public static TftpErrorCode ReadError(byte[] packet, int length, out string message)
        {
            if (length < 5)
            {
                throw Malformed("An ERROR packet is " + length.ToString() + " bytes long; it needs at least 5.");
            }

            int end = FindTerminator(packet, 4, length);
            if (end < 0)
            {
                throw Malformed("The ERROR message is not terminated by a NUL byte.");
            }

            message = ReadText(packet, 4, end, false, "error message");
            return (TftpErrorCode)ReadUInt16(packet, 2);
        }

        /// <summary>
        /// Reads an ERROR that ends a transfer whatever its form: a malformed one still ends it on the
        /// peer's side, and reads as error 0 with what is wrong with it.
        /// </summary>
        /// <param name="packet">The received bytes, an ERROR by its opcode.</param>
        /// <param name="length">The packet length.</param>
        /// <param name="message">The message, or what is wrong with the packet.</param>
        /// <returns>The error code.</returns>
        public static TftpErrorCode ReadAnyError(byte[] packet, int length, out string message)
        {
            try
            {
                return ReadError(packet, length, out message);
            }
            catch (TftpException e)
            {
                message = e.Message;
                return TftpErrorCode.NotDefined;
            }
        }

        /// <summary>
        /// Tells whether a datagram is an ERROR, which RFC 1350 never answers with another.
        /// </summary>
        /// <param name="packet">The received bytes.</param>
        /// <param name="length">The datagram's length.</param>
        /// <returns>True for an ERROR opcode.</returns>
        public static bool IsError(byte[] packet, int length)
        {
            return length >= 2 && packet[0] == 0 && packet[1] == (byte)TftpOpcode.Error;
        }

        /// <summary>
        /// Reads an OACK packet.
        /// </summary>
        /// <param name="packet">The received bytes.</param>
        /// <param name="length">The packet length.</param>
        /// <returns>The options it grants.</returns>
        public static TftpOptions ReadOptionAcknowledgement(byte[] packet, int length)
        {
            ReadOpcode(packet, length);
            return ReadOptions(packet, 2, length, false);
        }

        private static TftpOptions ReadOptions(byte[] packet, int position, int length, bool ignoreInvalidValues)
        {
            TftpOptions options = new TftpOptions();
            while (position < length)
            {
                int nameEnd = FindTerminator(packet, position, length);
                if (nameEnd < 0)
                {
                    throw Malformed("An option name is not terminated by a NUL byte.");
                }

                int valueEnd = FindTerminator(packet, nameEnd + 1, length);
                if (valueEnd < 0)
                {
                    throw Malformed("The value of an option is missing or not terminated by a NUL byte.");
                }

                ReadOption(packet, position, nameEnd, valueEnd, options, ignoreInvalidValues);
                position = valueEnd + 1;
            }

            return options;
        }

        private static void ReadOption(byte[] packet, int nameStart, int nameEnd, int valueEnd, TftpOptions options, bool ignoreInvalidValues)
        {
            // Validate both as ASCII first, so that a non-ASCII unknown option is refused as such.
            RequireAscii(packet, nameStart, nameEnd, "option name");
            RequireAscii(packet, nameEnd + 1, valueEnd, "option value");
            if (nameEnd == nameStart)
            {
                throw Malformed("An option name is empty.");
            }

            if (EqualsIgnoreCase(packet, nameStart, nameEnd, TftpOptions.BlockSizeName))
            {
                RequireFirst(options.BlockSize == 0, TftpOptions.BlockSizeName);
                options.BlockSize = (int)ReadValue(packet, nameEnd + 1, valueEnd, TftpOptions.BlockSizeName,
                    TftpOptions.MinBlockSize, TftpOptions.MaxBlockSize, ignoreInvalidValues, 0);
            }
            else if (EqualsIgnoreCase(packet, nameStart, nameEnd, TftpOptions.WindowSizeName))
            {
                RequireFirst(options.WindowSize == 0, TftpOptions.WindowSizeName);
                options.WindowSize = (int)ReadValue(packet, nameEnd + 1, valueEnd, TftpOptions.WindowSizeName,
                    1, TftpOptions.MaxWindowSize, ignoreInvalidValues, 0);
            }
            else if (EqualsIgnoreCase(packet, nameStart, nameEnd, TftpOptions.TimeoutName))
            {
                RequireFirst(options.TimeoutSeconds == 0, TftpOptions.TimeoutName);
                options.TimeoutSeconds = (int)ReadValue(packet, nameEnd + 1, valueEnd, TftpOptions.TimeoutName,
                    1, TftpOptions.MaxTimeoutSeconds, ignoreInvalidValues, 0);
            }
            else if (EqualsIgnoreCase(packet, nameStart, nameEnd, TftpOptions.TimeoutMicrosecondsName))
            {
                RequireFirst(options.TimeoutMicroseconds == 0, TftpOptions.TimeoutMicrosecondsName);
                options.TimeoutMicroseconds = (int)ReadValue(packet, nameEnd + 1, valueEnd, TftpOptions.TimeoutMicrosecondsName,
                    TftpOptions.MinTimeoutMicroseconds, TftpOptions.MaxTimeoutMicroseconds, ignoreInvalidValues, 0);
            }
            else if (EqualsIgnoreCase(packet, nameStart, nameEnd, TftpOptions.TransferSizeName))
            {
                RequireFirst(options.TransferSize < 0, TftpOptions.TransferSizeName);
                options.TransferSize = ReadValue(packet, nameEnd + 1, valueEnd, TftpOptions.TransferSizeName,
                    0, long.MaxValue, ignoreInvalidValues, -1);
            }
            else if (options.UnrecognizedOption == null)
            {
                options.UnrecognizedOption = ReadText(packet, nameStart, nameEnd, true, "option name");
            }
        }

        // An option's number; where invalid values are ignored, one that is no number in range reads
        // as the option's absence.
        private static long ReadValue(byte[] packet, int start, int end, string name, long min, long max, bool ignoreInvalid, long absent)
        {
            long value = ParseDigits(packet, start, end);
            if (value >= min && value <= max)
            {
                return value;
            }

            if (ignoreInvalid)
            {
                return absent;
            }

            throw value < 0
                ? Malformed("The value of " + name + " is not a number.")
                : Malformed("The value " + value.ToString() + " of " + name + " is outside " + min.ToString() + " to " + max.ToString() + ".");
        }

        private static int WriteOptions(byte[] buffer, int position, TftpOptions options)
        {
            if (options == null)
            {
                return position;
            }

            if (options.BlockSize > 0)
            {
                position = WriteOption(buffer, position, TftpOptions.BlockSizeName, options.BlockSize);
            }

            if (options.TransferSize >= 0)
            {
                position = WriteOption(buffer, position, TftpOptions.TransferSizeName, options.TransferSize);
            }

            if (options.TimeoutSeconds > 0)
            {
                position = WriteOption(buffer, position, TftpOptions.TimeoutName, options.TimeoutSeconds);
            }

            // After timeout: tftpd-hpa applies options in the request's order, so utimeout is the one in effect.
            if (options.TimeoutMicroseconds > 0)
            {
                position = WriteOption(buffer, position, TftpOptions.TimeoutMicrosecondsName, options.TimeoutMicroseconds);
            }

            if (options.WindowSize > 0)
            {
                position = WriteOption(buffer, position, TftpOptions.WindowSizeName, options.WindowSize);
            }

            return position;
        }

        private static int WriteOption(byte[] buffer, int position, string name, long value)
        {
            position = WriteString(buffer, position, name, "options");
            int digits = 1;
            for (long rest = value / 10; rest > 0; rest /= 10)
            {
                digits++;
            }

            EnsureRoom(buffer, position, digits + 1, "options");
            for (int i = digits - 1; i >= 0; i--)
            {
                buffer[position + i] = (byte)('0' + (int)(value % 10));
                value /= 10;
            }

            buffer[position + digits] = 0;
            return position + digits + 1;
        }

        private static int WriteString(byte[] buffer, int position, string text, string what)
        {
            EnsureRoom(buffer, position, text.Length + 1, what);
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == 0 || c >= 0x80)
                {
                    throw new ArgumentException("The " + what + " must be ASCII without NUL characters.", what);
                }

                buffer[position++] = (byte)c;
            }

            buffer[position++] = 0;
            return position;
        }

        private static int WriteOpcode(byte[] buffer, TftpOpcode opcode)
        {
            return WriteUInt16(buffer, 0, (int)opcode);
        }

        private static int WriteUInt16(byte[] buffer, int position, int value)
        {
            buffer[position] = (byte)(value >> 8);
            buffer[position + 1] = (byte)value;
            return position + 2;
        }

        private static int ReadUInt16(byte[] packet, int position)
        {
            return (packet[position] << 8) | packet[position + 1];
        }

        private static void EnsureRoom(byte[] buffer, int position, int count, string what)
        {
            if (position + count > buffer.Length)
            {
                throw new ArgumentException("The " + what + " do not fit a " + buffer.Length.ToString() + "-byte packet.", what);
            }
        }

        private static int FindTerminator(byte[] packet, int start, int length)
        {
            for (int i = start; i < length; i++)
            {
                if (packet[i] == 0)
                {
                    return i;
                }
            }

            return -1;
        }

        private static void RequireAscii(byte[] packet, int start, int end, string what)
        {
            for (int i = start; i < end; i++)
            {
                if (packet[i] >= 0x80)
                {
                    throw Malformed("The " + what + " contains the non-ASCII byte 0x" + packet[i].ToString("X2") + ".");
                }
            }
        }

        private static void RequireFirst(bool isFirst, string name)
        {
            if (!isFirst)
            {
                throw Malformed("The option " + name + " appears twice.");
            }
        }

        private static string ReadText(byte[] packet, int start, int end, bool strict, string what)
        {
            if (strict)
            {
                RequireAscii(packet, start, end, what);
            }

            return AsciiText.GetString(packet, start, end - start);
        }

        private static bool EqualsIgnoreCase(byte[] packet, int start, int end, string lowerCaseName)
        {
            if (end - start != lowerCaseName.Length)
            {
                return false;
            }

            for (int i = 0; i < lowerCaseName.Length; i++)
            {
                int b = packet[start + i];
                if (b >= 'A' && b <= 'Z')
                {
                    b += 'a' - 'A';
                }

                if (b != lowerCaseName[i])
                {
                    return false;
                }
            }

            return true;
        }

        // The decimal number in packet[start..end), or -1 when it is none (empty, too long, not digits).
        private static long ParseDigits(byte[] packet, int start, int end)
        {
            if (end == start || end - start > MaxDigits)
            {
                return -1;
            }

            long value = 0;
            for (int i = start; i < end; i++)
            {
                int digit = packet[i] - '0';
                if (digit < 0 || digit > 9)
                {
                    return -1;
                }

                value = (value * 10) + digit;
            }

            return value;
        }

        private static TftpException Malformed(string message)
        {
            return new TftpException(TftpFailure.MalformedPacket, TftpErrorCode.IllegalOperation, message, null);
        }
    }
}
