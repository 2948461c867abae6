namespace TftpNano.Boot
{
    /// <summary>
    /// How a device reaches its TFTP server.
    /// </summary>
    public enum NetworkKind
    {
        /// <summary>Wi-Fi, with the credentials stored on the device (for example by <c>nanoff</c> or Device Explorer).</summary>
        Wifi = 1,

        /// <summary>Wired Ethernet, as the firmware target configures it.</summary>
        Ethernet = 2,
    }
}
