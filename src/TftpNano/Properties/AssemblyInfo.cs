using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

// Used by the nanoFramework build only; the host build generates its own assembly attributes.
[assembly: AssemblyTitle("TftpNano")]
[assembly: AssemblyDescription("TFTP download engine and signed, fail-safe updates for nanoFramework devices.")]
[assembly: AssemblyProduct("TftpNano")]
[assembly: AssemblyCopyright("Copyright (c) TftpNano contributors")]
[assembly: ComVisible(false)]
[assembly: AssemblyVersion("1.0.0.0")]
[assembly: AssemblyFileVersion("1.0.0.0")]
[assembly: AssemblyInformationalVersion("1.0.0")]

// The board tables (Boot/Board) are internal: the boot app and the tests use them, an application does not.
[assembly: InternalsVisibleTo("TftpNano.Device")]
[assembly: InternalsVisibleTo("NFUnitTest")]
