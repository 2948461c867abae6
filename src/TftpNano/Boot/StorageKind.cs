namespace TftpNano.Boot
{
    /// <summary>
    /// Where a device keeps its releases.
    /// </summary>
    public enum StorageKind
    {
        /// <summary>The internal flash file system (<c>I:\</c>), about 256 KB on a 4 MB ESP32.</summary>
        InternalFlash = 1,

        /// <summary>An SD card on the SDMMC peripheral, 1-bit or 4-bit (<c>D:\</c>).</summary>
        SdMmc = 2,

        /// <summary>An SD card on an SPI bus (<c>D:\</c>).</summary>
        SdSpi = 3,
    }
}
