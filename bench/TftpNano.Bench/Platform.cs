// The peers the benchmark runs (atftpd, tftpd-hpa, curl, atftp, tftp-hpa) and /usr/bin/time are Linux programs.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
