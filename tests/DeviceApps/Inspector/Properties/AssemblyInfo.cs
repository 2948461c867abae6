using System.Reflection;
using System.Runtime.InteropServices;

[assembly: AssemblyTitle("Inspector")]
[assembly: AssemblyDescription("Reports the release a virtual device's storage holds.")]
[assembly: AssemblyProduct("TftpNano")]
[assembly: AssemblyCopyright("Copyright (c) TftpNano contributors")]
[assembly: ComVisible(false)]
[assembly: AssemblyVersion("1.0.0.0")]
[assembly: AssemblyFileVersion("1.0.0.0")]
[assembly: AssemblyInformationalVersion("1.0.0")]
