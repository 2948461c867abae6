using System.Reflection;
using System.Runtime.InteropServices;

[assembly: AssemblyTitle("Blinky")]
[assembly: AssemblyDescription("A release the device-in-the-loop tests install and start.")]
[assembly: AssemblyProduct("TftpNano")]
[assembly: AssemblyCopyright("Copyright (c) TftpNano contributors")]
[assembly: ComVisible(false)]
[assembly: AssemblyVersion("1.0.0.0")]
[assembly: AssemblyFileVersion("1.0.0.0")]
[assembly: AssemblyInformationalVersion("1.0.0")]
