using System.Reflection;
using System.Runtime.InteropServices;

[assembly: AssemblyTitle("Provisioner")]
[assembly: AssemblyDescription("Writes a virtual device's settings before it boots.")]
[assembly: AssemblyProduct("TftpNano")]
[assembly: AssemblyCopyright("Copyright (c) TftpNano contributors")]
[assembly: ComVisible(false)]
[assembly: AssemblyVersion("1.0.0.0")]
[assembly: AssemblyFileVersion("1.0.0.0")]
[assembly: AssemblyInformationalVersion("1.0.0")]
