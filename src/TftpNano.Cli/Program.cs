using System.CommandLine;
using TftpNano.Cli.Commands;

var root = new RootCommand("TftpNano host tool: fetch files over TFTP, serve a folder, and demonstrate the engine.")
{
    GetCommand.Create(),
    ServeCommand.Create(),
    DemoCommand.Create(),
    RelayCommand.Create(),
};
return root.Parse(args).Invoke();
