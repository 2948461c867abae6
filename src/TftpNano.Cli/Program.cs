using System.CommandLine;
using TftpNano.Cli.Commands;

var root = new RootCommand("TftpNano host tool: fetch files over TFTP, serve a folder, publish signed releases and run the device's updater.")
{
    GetCommand.Create(),
    ServeCommand.Create(),
    DemoCommand.Create(),
    RelayCommand.Create(),
    KeygenCommand.Create(),
    ManifestCommand.Create(),
    UpdateCommand.Create(),
    StatusCommand.Create(),
};
return root.Parse(args).Invoke();
