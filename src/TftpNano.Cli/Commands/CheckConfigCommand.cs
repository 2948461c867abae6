using System.CommandLine;
using TftpNano.Boot;

namespace TftpNano.Cli.Commands;

/// <summary>
/// <c>tftpnano check-config</c>: the device's own settings parser, run on a settings file before it is
/// deployed, so that a mistake shows on the workstation rather than on the board's console.
/// </summary>
internal static class CheckConfigCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A tftpnano.conf, such as boards/esp32-devkitc/tftpnano.conf." };
        var command = new Command("check-config", "Check a device settings file with the device's own parser; every problem is printed with its line.")
        {
            file,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            string path = parse.GetValue(file)!;
            DeviceSettings settings;
            using (FileStream stream = File.OpenRead(path))
            {
                settings = DeviceSettings.Read(stream);
            }

            foreach (string problem in settings.Problems)
            {
                Console.WriteLine($"{path}: {Printable.Escape(problem)}");
            }

            if (!settings.IsValid)
            {
                return CliErrors.Usage;
            }

            string server = settings.Server is null ? "no server" : $"server {settings.Server}:{settings.Port}";
            string channel = settings.Channel.Length == 0 ? "the server's root" : $"channel {settings.Channel}";
            Console.WriteLine($"{path}: valid: {server}, {channel}, releases in {settings.Root}, "
                + (settings.PublicKey is null ? "UNSIGNED releases accepted" : $"signed with a {settings.PublicKey.ModulusLength * 8}-bit key"));
            return CliErrors.Ok;
        }));
        return command;
    }
}
