using System.CommandLine;
using TftpNano.Cli.Commands;

RootCommand root = CliCommands.Root();

// A mistake on the command line is one line and a hint on standard error, and exit 2: the help goes to
// standard output only when asked for, where with -o - it would land in the consumer's data.
ParseResult parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    string command = string.Join(' ', parse.CommandResult.Command == root ? ["tftpnano"] : ["tftpnano", parse.CommandResult.Command.Name]);
    string message = parse.CommandResult.Command == root && parse.UnmatchedTokens.Count > 0
        ? $"'{parse.UnmatchedTokens[0]}' is not a command."
        : parse.Errors[0].Message;
    Console.Error.WriteLine($"tftpnano: {message}");
    Console.Error.WriteLine($"Try '{command} --help'.");
    return CliErrors.Usage;
}

return parse.Invoke();
