using System.Reflection;
using System.Runtime.InteropServices;

[assembly: AssemblyTitle("TftpNano.Device")]
[assembly: AssemblyDescription("TftpNano boot app: updates the device over TFTP, then starts the active release.")]
[assembly: AssemblyProduct("TftpNano")]
[assembly: AssemblyCopyright("Copyright (c) TftpNano contributors")]
[assembly: ComVisible(false)]
[assembly: AssemblyVersion("1.0.0.0")]
[assembly: AssemblyFileVersion("1.0.0.0")]
[assembly: AssemblyInformationalVersion("1.0.0")]
