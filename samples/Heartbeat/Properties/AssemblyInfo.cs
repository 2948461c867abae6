using System.Reflection;
using System.Runtime.InteropServices;

[assembly: AssemblyTitle("Heartbeat")]
[assembly: AssemblyDescription("The sample release: blinks an LED and confirms its start to the TftpNano boot app.")]
[assembly: AssemblyProduct("TftpNano")]
[assembly: AssemblyCopyright("Copyright (c) TftpNano contributors")]
[assembly: ComVisible(false)]
[assembly: AssemblyVersion("1.0.0.0")]
[assembly: AssemblyFileVersion("1.0.0.0")]
[assembly: AssemblyInformationalVersion("1.0.0")]
