using System.Text;
using TftpNano.Protocol;

namespace TftpNano.Tests.Protocol;

public class TftpPacketTests
{
    private static byte[] Bytes(params object[] parts)
    {
        var bytes = new List<byte>();
        foreach (object part in parts)
        {
            switch (part)
            {
                case int value:
                    bytes.Add((byte)(value >> 8));
                    bytes.Add((byte)value);
                    break;
                case string text:
                    bytes.AddRange(Encoding.Latin1.GetBytes(text));
                    bytes.Add(0);
                    break;
                case byte[] raw:
                    bytes.AddRange(raw);
                    break;
            }
        }

        return bytes.ToArray();
    }

    private static TftpException Malformed(Action action)
    {
        var e = Assert.Throws<TftpException>(action);
        Assert.Equal(TftpFailure.MalformedPacket, e.Failure);
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
        return e;
    }

    [Fact]
    public void PlainReadRequestIsFileNameAndOctetMode()
    {
        byte[] buffer = new byte[64];
        int length = TftpPacket.WriteRequest(buffer, TftpOpcode.ReadRequest, "fw/app.pe", null);
        Assert.Equal(Bytes(1, "fw/app.pe", "octet"), buffer[..length]);
    }

    [Fact]
    public void ReadRequestWithOptionsRoundTrips()
    {
        var options = new TftpOptions { BlockSize = 1468, WindowSize = 4, TimeoutSeconds = 1, TransferSize = 0 };
        byte[] buffer = new byte[128];
        int length = TftpPacket.WriteRequest(buffer, TftpOpcode.ReadRequest, "image.bin", options);
        Assert.Equal(Bytes(1, "image.bin", "octet", "blksize", "1468", "tsize", "0", "timeout", "1", "windowsize", "4"), buffer[..length]);

        TftpRequest request = TftpPacket.ReadRequest(buffer, length);
        Assert.Equal(TftpOpcode.ReadRequest, request.Opcode);
        Assert.Equal("image.bin", request.FileName);
        Assert.Equal("octet", request.Mode);
        Assert.Equal(1468, request.Options.BlockSize);
        Assert.Equal(4, request.Options.WindowSize);
        Assert.Equal(1, request.Options.TimeoutSeconds);
        Assert.Equal(0, request.Options.TransferSize);
        Assert.Null(request.Options.UnrecognizedOption);
    }

    [Fact]
    public void UtimeoutGoesAfterTimeoutSoThatTftpdHpaKeepsItAndRoundTrips()
    {
        var options = new TftpOptions { BlockSize = 1468, TimeoutSeconds = 1, TimeoutMicroseconds = 50000 };
        byte[] buffer = new byte[128];
        int length = TftpPacket.WriteRequest(buffer, TftpOpcode.ReadRequest, "a", options);
        Assert.Equal(Bytes(1, "a", "octet", "blksize", "1468", "timeout", "1", "utimeout", "50000"), buffer[..length]);
        Assert.Equal(50000, TftpPacket.ReadRequest(buffer, length).Options.TimeoutMicroseconds);

        // tftpd-hpa's OACK echoes the value; another value is not what was asked for.
        byte[] granted = Bytes(6, "blksize", "1468", "timeout", "1", "utimeout", "50000");
        TftpOptions read = TftpPacket.ReadOptionAcknowledgement(granted, granted.Length);
        Assert.Equal(50000, read.TimeoutMicroseconds);
        Assert.Null(read.UnrecognizedOption);
        Assert.Null(TftpOptions.FindExcess(read, options));
        read.TimeoutMicroseconds = 20000;
        Assert.Contains("utimeout 20000", TftpOptions.FindExcess(read, options));
        Assert.False(new TftpOptions { TimeoutMicroseconds = 10000 }.IsEmpty);
    }

    [Fact]
    public void OptionNamesAndModeAreCaseInsensitive()
    {
        byte[] packet = Bytes(1, "a", "OCTET", "BlkSize", "1024", "mystery", "1");
        TftpRequest request = TftpPacket.ReadRequest(packet, packet.Length);
        Assert.Equal("octet", request.Mode);
        Assert.Equal(1024, request.Options.BlockSize);
        Assert.Equal("mystery", request.Options.UnrecognizedOption);
    }

    [Fact]
    public void DataAckAndErrorEncodeAsRfc1350Says()
    {
        byte[] buffer = new byte[32];
        Assert.Equal(4, TftpPacket.WriteDataHeader(buffer, 65535));
        Assert.Equal(new byte[] { 0, 3, 0xFF, 0xFF }, buffer[..4]);
        Assert.Equal(4, TftpPacket.WriteAcknowledgement(buffer, 258));
        Assert.Equal(new byte[] { 0, 4, 1, 2 }, buffer[..4]);

        int length = TftpPacket.WriteError(buffer, TftpErrorCode.UnknownTransferId, "Unknown transfer ID");
        Assert.Equal(Bytes(5, 5, "Unknown transfer ID"), buffer[..length]);
        Assert.Equal(TftpErrorCode.UnknownTransferId, TftpPacket.ReadError(buffer, length, out string message));
        Assert.Equal("Unknown transfer ID", message);
    }

    [Fact]
    public void ErrorMessagesAreCutToTheBufferAndKeptAscii()
    {
        byte[] buffer = new byte[11];
        int length = TftpPacket.WriteError(buffer, TftpErrorCode.NotDefined, "disk ünplugged, sorry");
        Assert.Equal(11, length);
        Assert.Equal(Bytes(5, 0, "disk ?"), buffer[..length]);
    }

    [Fact]
    public void OptionAcknowledgementRoundTrips()
    {
        var options = new TftpOptions { BlockSize = 512, TransferSize = 3145728 };
        byte[] buffer = new byte[64];
        int length = TftpPacket.WriteOptionAcknowledgement(buffer, options);
        Assert.Equal(Bytes(6, "blksize", "512", "tsize", "3145728"), buffer[..length]);
        TftpOptions read = TftpPacket.ReadOptionAcknowledgement(buffer, length);
        Assert.Equal(512, read.BlockSize);
        Assert.Equal(3145728, read.TransferSize);
        Assert.Equal(0, read.WindowSize);
        Assert.Equal(0, read.TimeoutSeconds);
    }

    [Fact]
    public void DataLengthIsCheckedAgainstTheBlockSize()
    {
        byte[] packet = new byte[4 + 513];
        TftpPacket.WriteDataHeader(packet, 7);
        Assert.Equal(7, TftpPacket.ReadBlockNumber(packet, packet.Length));
        Assert.Equal(512, TftpPacket.ReadDataLength(packet, 516, 512));
        Assert.Equal(0, TftpPacket.ReadDataLength(packet, 4, 512));
        Assert.Contains("513", Malformed(() => TftpPacket.ReadDataLength(packet, 517, 512)).Message);
    }

    [Fact]
    public void WritingRefusesNamesThatAreNotAsciiOrDoNotFit()
    {
        Assert.Throws<ArgumentException>(() => TftpPacket.WriteRequest(new byte[64], TftpOpcode.ReadRequest, "fïrmware", null));
        Assert.Throws<ArgumentException>(() => TftpPacket.WriteRequest(new byte[64], TftpOpcode.ReadRequest, "a\0b", null));
        Assert.Throws<ArgumentException>(() => TftpPacket.WriteRequest(new byte[64], TftpOpcode.ReadRequest, "", null));
        Assert.Throws<ArgumentException>(() => TftpPacket.WriteRequest(new byte[8], TftpOpcode.ReadRequest, "long-name", null));
        Assert.Throws<ArgumentException>(() => TftpPacket.WriteRequest(new byte[64], TftpOpcode.Data, "x", null));
    }

    public static TheoryData<string, byte[]> MalformedPackets => new()
    {
        { "empty", [] },
        { "one byte", new byte[] { 0 } },
        { "opcode 0", Bytes(0, 1) },
        { "opcode 7", Bytes(7, 1) },
        { "opcode 300", Bytes(300) },
        { "short DATA", Bytes(3, new byte[] { 1 }) },
        { "short ACK", Bytes(4) },
        { "request without file name terminator", Bytes(1, Encoding.ASCII.GetBytes("file")) },
        { "request without mode", Bytes(1, "file") },
        { "request without mode terminator", Bytes(1, "file", Encoding.ASCII.GetBytes("octet")) },
        { "request with empty file name", Bytes(1, "", "octet") },
        { "request with non-ASCII file name", Bytes(1, new byte[] { 0x66, 0xC3, 0xA9, 0 }, "octet") },
        { "option without value", Bytes(1, "f", "octet", "blksize") },
        { "option value without terminator", Bytes(1, "f", "octet", "blksize", Encoding.ASCII.GetBytes("512")) },
        { "non-ASCII option name", Bytes(1, "f", "octet", new byte[] { 0x62, 0xFF, 0 }, "1") },
        { "non-ASCII option value", Bytes(1, "f", "octet", "x-vendor", new byte[] { 0xE9, 0 }) },
        { "option twice", Bytes(1, "f", "octet", "blksize", "512", "BLKSIZE", "1024") },
        { "empty option name", Bytes(1, "f", "octet", "", "1") },
    };

    [Theory]
    [MemberData(nameof(MalformedPackets))]
    public void MalformedRequestsAreRefused(string what, byte[] packet)
    {
        Assert.NotNull(what);
        Malformed(() => TftpPacket.ReadRequest(packet, packet.Length));
    }

    public static TheoryData<string, byte[]> InvalidOptionValues => new()
    {
        { "blksize not a number", Bytes(1, "f", "octet", "blksize", "big", "tsize", "0") },
        { "blksize empty", Bytes(1, "f", "octet", "blksize", "", "tsize", "0") },
        { "blksize below 8", Bytes(1, "f", "octet", "blksize", "7", "tsize", "0") },
        { "blksize above 65464", Bytes(1, "f", "octet", "blksize", "65465", "tsize", "0") },
        { "windowsize 0", Bytes(1, "f", "octet", "windowsize", "0", "tsize", "0") },
        { "timeout 256", Bytes(1, "f", "octet", "timeout", "256", "tsize", "0") },
        { "timeout with a sign", Bytes(1, "f", "octet", "timeout", "+1", "tsize", "0") },
    };

    [Theory]
    [MemberData(nameof(InvalidOptionValues))]
    public void ARequestsOptionWithAnInvalidValueReadsAsNotAskedFor(string what, byte[] packet)
    {
        // RFC 2347: a server leaves out of its OACK the options it does not take, and serves the rest.
        TftpRequest request = TftpPacket.ReadRequest(packet, packet.Length);
        Assert.Equal((0, 0, 0, 0L), (request.Options.BlockSize, request.Options.WindowSize, request.Options.TimeoutSeconds, request.Options.TransferSize));
        Assert.NotNull(what);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("9999999999999999999999")]
    public void ARequestsInvalidTransferSizeReadsAsNotAskedFor(string value)
    {
        byte[] packet = Bytes(1, "f", "octet", "tsize", value);
        Assert.Equal(-1, TftpPacket.ReadRequest(packet, packet.Length).Options.TransferSize);
    }

    public static TheoryData<string, byte[]> MalformedOptionAcknowledgements => new()
    {
        { "name without terminator", Bytes(6, Encoding.ASCII.GetBytes("blksize")) },
        { "value missing", Bytes(6, "blksize") },
        { "non-ASCII name", Bytes(6, new byte[] { 0xC0, 0 }, "1") },
        { "non-ASCII value", Bytes(6, "blksize", new byte[] { 0x35, 0xB2, 0 }) },
        { "blksize with a sign", Bytes(6, "blksize", "+512") },
        { "windowsize too large", Bytes(6, "windowsize", "65536") },
        { "utimeout below tftpd-hpa's 10 ms", Bytes(6, "utimeout", "5000") },
    };

    [Theory]
    [MemberData(nameof(MalformedOptionAcknowledgements))]
    public void MalformedOptionAcknowledgementsAreRefused(string what, byte[] packet)
    {
        Assert.NotNull(what);
        Malformed(() => TftpPacket.ReadOptionAcknowledgement(packet, packet.Length));
    }

    [Fact]
    public void MalformedErrorsAndDataAreRefused()
    {
        byte[] unterminated = Bytes(5, 1, Encoding.ASCII.GetBytes("File not found"));
        Assert.Contains("NUL", Malformed(() => TftpPacket.ReadError(unterminated, unterminated.Length, out _)).Message);
        byte[] tooShort = Bytes(5, 1);
        Malformed(() => TftpPacket.ReadError(tooShort, tooShort.Length, out _));
        Malformed(() => TftpPacket.ReadBlockNumber(Bytes(3, new byte[] { 7 }), 3));
        Assert.Contains("opcode 9", Malformed(() => TftpPacket.ReadOpcode(Bytes(9, 1), 4)).Message);
    }

    [Fact]
    public void ErrorMessagesOutsideAsciiAreReadWithReplacement()
    {
        byte[] packet = Bytes(5, 0, new byte[] { 0x64, 0xE9, 0x6A, 0x61, 0 });
        Assert.Equal(TftpErrorCode.NotDefined, TftpPacket.ReadError(packet, packet.Length, out string message));
        Assert.Equal("d?ja", message);
    }

    [Fact]
    public void OnlyTheGivenLengthIsRead()
    {
        // A reused receive buffer holds stale bytes past the datagram; they must not be parsed.
        byte[] buffer = Bytes(6, "blksize", "512", "windowsize", "8");
        int firstOptionOnly = Bytes(6, "blksize", "512").Length;
        TftpOptions options = TftpPacket.ReadOptionAcknowledgement(buffer, firstOptionOnly);
        Assert.Equal(512, options.BlockSize);
        Assert.Equal(0, options.WindowSize);
    }
}
