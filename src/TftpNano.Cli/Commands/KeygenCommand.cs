using System.CommandLine;
using TftpNano.Cli.Update;
using TftpNano.Host.Update;

namespace TftpNano.Cli.Commands;

/// <summary>
/// <c>tftpnano keygen</c>: a release signing key pair.
/// </summary>
internal static class KeygenCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Base name: writes NAME.pem (private, keep it off the server) and NAME.pub.", Required = true };
        var bits = new Option<int>("--bits") { Description = "Modulus size, 2048 to 4096.", DefaultValueFactory = _ => SigningKey.Bits };
        var command = new Command("keygen", "Create an RSA key pair for signing releases.") { output, bits };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            int size = parse.GetValue(bits);
            if (size < 2048 || size > 4096)
            {
                throw new ArgumentException("--bits must be between 2048 and 4096.");
            }

            (string privatePath, string publicPath) = SigningKey.Generate(parse.GetValue(output)!, size);
            Console.WriteLine($"private key {privatePath}");
            Console.WriteLine($"public key {publicPath} (set publickey= in the device's tftpnano.conf to its content)");
        }));
        return command;
    }
}
