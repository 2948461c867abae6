using System.Net;
using System.Net.Sockets;

namespace TftpNano.Cli.Net;

/// <summary>
/// A parsed <c>tftp://HOST[:PORT]/PATH</c> address (RFC 3617).
/// </summary>
/// <param name="Host">The host name or address as written.</param>
/// <param name="Port">The port, 69 unless given.</param>
/// <param name="Path">
/// The remote file name, percent-decoded: what follows the slash after the host, so that
/// <c>tftp://host//srv/a</c> asks for <c>/srv/a</c>, as curl does.
/// </param>
public sealed record TftpUrl(string Host, int Port, string Path)
{
    /// <summary>The well-known TFTP port.</summary>
    public const int DefaultPort = 69;

    // RFC 3617's transfer mode, at the end of the path; only octet is spoken here.
    private const string ModeParameter = ";mode=";

    /// <summary>
    /// Parses the address of a file.
    /// </summary>
    /// <param name="text">The address.</param>
    /// <returns>The parsed address.</returns>
    /// <exception cref="FormatException">It is not a tftp:// address with a file path.</exception>
    public static TftpUrl Parse(string text)
    {
        TftpUrl url = ParseChannel(text);
        if (url.Path.Length == 0 || url.Path.EndsWith('/'))
        {
            throw new FormatException($"'{text}' names no file.");
        }

        return url;
    }

    /// <summary>
    /// Parses the address of a release channel: a folder on the server, empty for its root (<c>tftp://HOST/</c>).
    /// </summary>
    /// <param name="text">The address.</param>
    /// <returns>The parsed address; its path has no trailing slash.</returns>
    /// <exception cref="FormatException">It is not a tftp:// address.</exception>
    public static TftpUrl ParseChannel(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || uri.Scheme != "tftp" || uri.Host.Length == 0)
        {
            throw new FormatException($"'{text}' is not a tftp://HOST[:PORT]/PATH address.");
        }

        string path = uri.AbsolutePath.StartsWith('/') ? uri.AbsolutePath[1..] : uri.AbsolutePath;
        int mode = path.LastIndexOf(ModeParameter, StringComparison.OrdinalIgnoreCase);
        if (mode >= 0)
        {
            string name = path[(mode + ModeParameter.Length)..];
            if (!name.Equals("octet", StringComparison.OrdinalIgnoreCase))
            {
                throw new FormatException($"'{text}' asks for mode {name}; only octet (binary) transfers are made.");
            }

            path = path[..mode];
        }

        return new TftpUrl(uri.IdnHost, uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port, Uri.UnescapeDataString(path));
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
