using System.CommandLine;
using System.Globalization;
using System.Text;

namespace TftpNano.Cli.Commands;

/// <summary>
/// The tool's commands, and their reference in Markdown (<c>docs/cli.md</c>), written from the same
/// definitions the parser uses, so that it cannot drift from what the tool accepts.
/// </summary>
internal static class CliCommands
{
    /// <summary>The root command with every subcommand.</summary>
    public static RootCommand Root() => new("TftpNano host tool: fetch files over TFTP, serve a folder, publish signed releases and run the device's updater.")
    {
        GetCommand.Create(),
        ServeCommand.Create(),
        DemoCommand.Create(),
        RelayCommand.Create(),
        KeygenCommand.Create(),
        ManifestCommand.Create(),
        UpdateCommand.Create(),
        StatusCommand.Create(),
        FleetCommand.Create(),
        CheckConfigCommand.Create(),
    };

    /// <summary>The reference of every command: its arguments and options, with their defaults.</summary>
    public static string Reference()
    {
        RootCommand root = Root();
        var text = new StringBuilder();
        text.Append("# tftpnano command reference\n\n");
        text.Append("Written from the commands' own definitions (`CliCommands.Reference`); `CliReferenceTests` fails when this file\n");
        text.Append("differs from them, and `TFTPNANO_WRITE_DOCS=1 dotnet test --filter CliReferenceTests` rewrites it. Exit codes:\n");
        text.Append("[README.md](../README.md#tftpnano-get-url-options).\n\n");
        text.Append(root.Description).Append("\n");
        foreach (Command command in root.Subcommands)
        {
            text.Append("\n## `tftpnano ").Append(command.Name);
            foreach (Argument argument in command.Arguments)
            {
                text.Append(' ').Append(argument.Name.ToUpperInvariant()).Append(argument.Arity.MaximumNumberOfValues > 1 ? "..." : string.Empty);
            }

            text.Append(" [options]`\n\n").Append(command.Description).Append("\n\n");
            text.Append("| argument or option | meaning | default |\n| --- | --- | --- |\n");
            foreach (Argument argument in command.Arguments)
            {
                text.Append("| `").Append(argument.Name.ToUpperInvariant()).Append("` | ").Append(Cell(argument.Description)).Append(" | |\n");
            }

            foreach (Option option in command.Options.Where(o => !o.Hidden && o.Name is not ("--help" or "--version")))
            {
                IEnumerable<string> names = new[] { option.Name }.Concat(option.Aliases.Where(a => a.Length <= 2 || !a.StartsWith("--", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
                string value = option.ValueType == typeof(bool) ? string.Empty : " " + (option.HelpName ?? option.Name.TrimStart('-').ToUpperInvariant());
                text.Append("| `").Append(string.Join("`, `", names)).Append(value).Append("` | ").Append(Cell(option.Description))
                    .Append(option.Required ? " (required)" : string.Empty).Append(" | ").Append(Default(option)).Append(" |\n");
            }
        }

        return text.ToString();
    }

    private static string Default(Option option)
    {
        if (!option.HasDefaultValue || option.ValueType == typeof(bool))
        {
            return string.Empty;
        }

        object? value = option.GetDefaultValue();
        return value is null ? string.Empty : "`" + Convert.ToString(value, CultureInfo.InvariantCulture) + "`";
    }

    private static string Cell(string? text) => (text ?? string.Empty).Replace("|", "\\|", StringComparison.Ordinal);
}
