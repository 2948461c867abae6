using System.Net;
using System.Net.Sockets;
using System.Text;
using TftpNano.Protocol;
using TftpNano.Transfer;

namespace TftpNano.Cli.Net;

/// <summary>
/// Prints one line per datagram a transfer sends (<c>&gt;</c>) and receives (<c>&lt;</c>) on standard
/// error, for <c>get --verbose</c>: the opcode, the block, the length, and a request's or OACK's text
/// and an ERROR's message, escaped.
/// </summary>
internal sealed class TracingTransportFactory(IDatagramTransportFactory inner, TextWriter output) : IDatagramTransportFactory
{
    public IDatagramTransport Open(AddressFamily addressFamily) => new TracingTransport(inner.Open(addressFamily), output);

    private sealed class TracingTransport(IDatagramTransport inner, TextWriter output) : IDatagramTransport
    {
        public EndPoint LastSender => inner.LastSender;

        public void Send(byte[] buffer, int count, EndPoint remote)
        {
            output.WriteLine($"> {remote} {Describe(buffer, count)}");
            inner.Send(buffer, count, remote);
        }

        public int Receive(byte[] buffer, int timeoutMs)
        {
            int length = inner.Receive(buffer, timeoutMs);
            if (length >= 0)
            {
                output.WriteLine($"< {inner.LastSender} {Describe(buffer, length)}");
            }

            return length;
        }

        public void Close() => inner.Close();
    }

    private static string Describe(byte[] packet, int length)
    {
        if (length < 4 || packet[0] != 0)
        {
            return $"{length} bytes, not TFTP";
        }

        var opcode = (TftpOpcode)packet[1];
        int number = (packet[2] << 8) | packet[3];
        return opcode switch
        {
            TftpOpcode.Data => $"DATA {number}, {length - 4} bytes",
            TftpOpcode.Acknowledgement => $"ACK {number}",
            TftpOpcode.Error => $"ERROR {number} {Printable.Escape(Text(packet, 4, length))}",
            TftpOpcode.ReadRequest => $"RRQ {Printable.Escape(Text(packet, 2, length))}",
            TftpOpcode.WriteRequest => $"WRQ {Printable.Escape(Text(packet, 2, length))}",
            TftpOpcode.OptionAcknowledgement => $"OACK {Printable.Escape(Text(packet, 2, length))}",
            _ => $"opcode {packet[1]}, {length} bytes",
        };
    }

    // NUL-separated fields as one line, separated by spaces.
    private static string Text(byte[] packet, int start, int length) =>
        Encoding.ASCII.GetString(packet, start, length - start).TrimEnd('\0').Replace('\0', ' ');
}
