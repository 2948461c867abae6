using System.Net;
using System.Net.Sockets;

namespace TftpNano.Cli.Net;

/// <summary>
/// A parsed <c>tftp://HOST[:PORT]/PATH</c> address.
/// </summary>
/// <param name="Host">The host name or address as written.</param>
/// <param name="Port">The port, 69 unless given.</param>
/// <param name="Path">The remote file name, percent-decoded, without the leading slash.</param>
public sealed record TftpUrl(string Host, int Port, string Path)
{
    /// <summary>The well-known TFTP port.</summary>
    public const int DefaultPort = 69;

    /// <summary>
    /// Parses an address.
    /// </summary>
    /// <param name="text">The address.</param>
    /// <returns>The parsed address.</returns>
    /// <exception cref="FormatException">It is not a tftp:// address with a file path.</exception>
    public static TftpUrl Parse(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || uri.Scheme != "tftp" || uri.Host.Length == 0)
        {
            throw new FormatException($"'{text}' is not a tftp://HOST[:PORT]/PATH address.");
        }

        string path = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (path.Length == 0)
        {
            throw new FormatException($"'{text}' names no file.");
        }

        return new TftpUrl(uri.IdnHost, uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port, path);
    }

    /// <summary>
    /// Resolves the host to one endpoint, preferring IPv4 as most TFTP servers listen there.
    /// </summary>
    /// <returns>The server's request endpoint.</returns>
    public IPEndPoint Resolve()
    {
        if (!IPAddress.TryParse(Host, out IPAddress? address))
        {
            IPAddress[] addresses = Dns.GetHostAddresses(Host);
            address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? addresses.FirstOrDefault()
                ?? throw new SocketException((int)SocketError.HostNotFound);
        }

        return new IPEndPoint(address, Port);
    }
}
