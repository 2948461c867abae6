using System.Reflection;
using System.Runtime.InteropServices;

// Used by the nanoFramework build only; the host build of these tests leaves Properties out.
[assembly: AssemblyTitle("NFUnitTest")]
[assembly: AssemblyDescription("TftpNano test cases for a board or nanoCLR.")]
[assembly: AssemblyProduct("TftpNano")]
[assembly: AssemblyCopyright("Copyright (c) TftpNano contributors")]
[assembly: ComVisible(false)]
[assembly: AssemblyVersion("1.0.0.0")]
[assembly: AssemblyFileVersion("1.0.0.0")]
[assembly: AssemblyInformationalVersion("1.0.0")]
