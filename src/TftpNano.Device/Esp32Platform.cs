using System;
using System.IO;
using System.Reflection;
using System.Threading;
using TftpNano.Boot;
using TftpNano.Boot.Board;
using TftpNano.Transfer;
using TftpNano.Update;
using TftpNano.Update.Manifest;
using TftpNano.Update.Storage;
using nanoFramework.Hardware.Esp32;
using nanoFramework.Networking;
using nanoFramework.Runtime.Native;
using nanoFramework.System.IO.FileSystem;

namespace TftpNano.Device
{
    /// <summary>
    /// The boot sequence's hardware steps on an ESP32 running nanoFramework.
    /// </summary>
    internal sealed class Esp32Platform : IBootPlatform
    {
        private readonly UdpSocketTransportFactory _transports = new UdpSocketTransportFactory();
        private SDCard _card;
        private IUpdateStorage _storage;

        /// <inheritdoc/>
        /// <remarks>
        /// Not read yet: in the kit's nanoCLR, the boot after a power cut near the end of an install
        /// crashed (exit 139) when it read the interface's address with
        /// NetworkInterface.GetAllNetworkInterfaces, and passed without it. Until that is understood, a
        /// device takes part in a staged rollout by its device.id setting.
        /// </remarks>
        public byte[] HardwareAddress
        {
            get { return null; }
        }

        /// <inheritdoc/>
        public string FirmwareVersion
        {
            get { return SystemInfo.Version.ToString(); }
        }

        /// <inheritdoc/>
        public Stream OpenSettings()
        {
            return File.Exists(DeviceSettings.DefaultPath) ? new FileStream(DeviceSettings.DefaultPath, FileMode.Open, FileAccess.Read) : null;
        }

        /// <inheritdoc/>
        public bool ConnectNetwork(DeviceSettings settings, int timeoutMs)
        {
            CancellationTokenSource timeout = new CancellationTokenSource(timeoutMs);
            if (settings.Network == NetworkKind.Ethernet)
            {
                return NetworkHelper.SetupAndConnectNetwork(timeout.Token, false);
            }

            // The credentials are the ones stored on the device (nanoff --config or Device Explorer).
            return WifiNetworkHelper.Reconnect(false, 0, timeout.Token);
        }

        /// <inheritdoc/>
        public IUpdateStorage MountStorage(DeviceSettings settings)
        {
            // The settings parser already mapped each name to its DeviceFunction value: a .pe keeps no
            // enum member names, so the name cannot be looked up here. Pins first, then the card's
            // power (over routed I2C), then the card.
            for (int i = 0; i < settings.Pins.Length; i++)
            {
                Configuration.SetPinFunction(settings.Pins[i].Pin, (DeviceFunction)settings.Pins[i].FunctionValue);
            }

            if (settings.CardPower == CardPower.Axp192)
            {
                I2cRegisterBus chip = new I2cRegisterBus(Axp192.Bus, Axp192.Address);
                try
                {
                    Axp192.PowerCard(chip);
                }
                finally
                {
                    chip.Dispose();
                }
            }

            // Each attempt of a power-up mounts again; the card is made once, since a second SDCard for
            // slot 0 throws.
            if (_card == null && settings.Storage == StorageKind.SdMmc)
            {
                SDCardMmcParameters mmc = new SDCardMmcParameters();
                mmc.slotIndex = 0;
                mmc.dataWidth = settings.SdDataWidth == 1 ? SDCard.SDDataWidth._1_bit : SDCard.SDDataWidth._4_bit;
                _card = new SDCard(mmc, null);
            }
            else if (_card == null && settings.Storage == StorageKind.SdSpi)
            {
                SDCardSpiParameters spi = new SDCardSpiParameters();
                spi.slotIndex = 0;
                spi.spiBus = (uint)settings.SpiBus;
                spi.chipSelectPin = (uint)settings.SpiChipSelect;
                _card = new SDCard(spi, null);
            }

            if (_card != null && !_card.IsMounted)
            {
                _card.Mount();
            }

            // The card is FAT, where a full volume must be found before a write (FileSystemStorage).
            _storage = new FileSystemStorage(settings.Root, settings.Storage != StorageKind.InternalFlash);
            return _storage;
        }

        /// <inheritdoc/>
        public IDatagramTransportFactory Transports
        {
            get { return _transports; }
        }

        /// <inheritdoc/>
        public Version FindAssembly(string name)
        {
            // Assembly.Load(string) only looks among the loaded assemblies, and throws when none has
            // the name (ArgumentException in nanoCLR; any exception means "not carried").
            try
            {
                return Assembly.Load(name).GetName().Version;
            }
            catch (Exception)
            {
                return null;
            }
        }

        /// <inheritdoc/>
        public void Launch(DeviceSettings settings, string folder, ReleaseManifest manifest)
        {
            new ReleaseStarter(_storage, Assembly.Load, LogBoot).Start(folder, manifest);
        }

        /// <inheritdoc/>
        public void Restart()
        {
            Power.RebootDevice(RebootOption.NormalReboot);
        }

        /// <inheritdoc/>
        public void Log(string message)
        {
            Console.WriteLine("tftpnano: " + message);
        }

        private void LogBoot(string message)
        {
            Log("boot: " + message);
        }
    }
}
