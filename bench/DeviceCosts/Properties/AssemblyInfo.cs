using System.Reflection;
using System.Runtime.InteropServices;

[assembly: AssemblyTitle("DeviceCosts")]
[assembly: AssemblyDescription("Scenarios whose IL instructions bench/run.sh --device counts in nanoCLR.")]
[assembly: AssemblyProduct("TftpNano")]
[assembly: AssemblyCopyright("Copyright (c) TftpNano contributors")]
[assembly: ComVisible(false)]
[assembly: AssemblyVersion("1.0.0.0")]
[assembly: AssemblyFileVersion("1.0.0.0")]
[assembly: AssemblyInformationalVersion("1.0.0")]
