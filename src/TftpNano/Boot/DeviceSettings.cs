using System;
using System.Collections;
using System.IO;
using System.Net;
using System.Text;
using TftpNano.Security;
using TftpNano.Text;
using TftpNano.Transfer;
using TftpNano.Update;
using TftpNano.Update.Manifest;

namespace TftpNano.Boot
{
    /// <summary>
    /// The boot app's settings, read from a small key=value file on the device (<c>I:\tftpnano.conf</c>).
    /// </summary>
    /// <remarks>
    /// <para>
    /// One setting per line as <c>key=value</c>; blank lines and lines starting with <c>#</c> are
    /// ignored. Parsing never throws: every problem (an unknown or repeated key, a value out of range)
    /// is collected with its line number in <see cref="Problems"/>, and the setting keeps its default,
    /// so that the device can still find and start its installed release while it reports what to fix.
    /// </para>
    /// <para>
    /// Keys: <c>server</c> (IPv4 address, required), <c>port</c>, <c>channel</c>, <c>network</c>
    /// (<c>wifi</c> or <c>ethernet</c>), <c>network.wait</c> (seconds), <c>storage</c> (<c>internal</c>,
    /// <c>sd-mmc</c> or <c>sd-spi</c>), <c>storage.wait</c> (seconds), <c>sd.width</c> (1 or 4), <c>spi.bus</c>, <c>spi.cs</c>,
    /// <c>pins</c> (<c>GPIO:FUNCTION</c> pairs separated by commas), <c>power</c> (<c>none</c> or
    /// <c>axp192</c>: what powers the SD card), <c>root</c>, <c>blksize</c>,
    /// <c>windowsize</c>, <c>timeout</c> (milliseconds), <c>server.timeout</c> (seconds), <c>retries</c>,
    /// <c>transfer.limit</c> (seconds a file may take), <c>publickey</c> (base64 from
    /// <c>tftpnano keygen</c>, or <c>none</c>; required, so that accepting unsigned releases is always a
    /// decision), <c>trial.boots</c> and <c>downgrade</c> (<c>yes</c> or <c>no</c>).
    /// </para>
    /// </remarks>
    public sealed partial class DeviceSettings
    {
        /// <summary>
        /// Where the boot app reads its settings.
        /// </summary>
        public const string DefaultPath = "I:\\tftpnano.conf";

        /// <summary>
        /// The largest block that fits one Ethernet frame; the ESP32 firmware does not reassemble IP fragments.
        /// </summary>
        public const int MaxBlockSize = 1468;

        /// <summary>
        /// The largest window the ESP32's 6-datagram receive mailbox absorbs while a block is written.
        /// </summary>
        public const int MaxWindowSize = 4;

        /// <summary>
        /// The shortest retransmission timeout on a device: three ticks of the ESP32's 100 Hz FreeRTOS clock
        /// (nf-interpreter, targets/ESP32/_IDF/sdkconfig.default: CONFIG_FREERTOS_HZ=100). Socket timeouts
        /// and <c>Environment.TickCount64</c> move in 10 ms steps there, so a one-tick deadline can expire
        /// at once and a two-tick one after a single tick.
        /// </summary>
        public const int MinTimeoutMs = 30;

        /// <summary>
        /// The longest settings file read, in bytes: a whole file, its lines and its key, with room for
        /// comments, in a heap of about 100 KB; a longer one is refused unread.
        /// </summary>
        public const int MaxFileLength = 4096;

        /// <summary>
        /// The longest line, in characters: a 4096-bit key's line has about 700.
        /// </summary>
        public const int MaxLineLength = 1024;

        // The longest root folder accepted: FAT's path limit leaves room for the release folders below it.
        private const int MaxRootLength = 64;

        private readonly ArrayList _problems = new ArrayList();
        private readonly ArrayList _seen = new ArrayList();
        private string _root;

        private DeviceSettings()
        {
            Port = 69;
            Channel = string.Empty;
            Network = NetworkKind.Wifi;
            NetworkWaitSeconds = 30;
            StorageWaitSeconds = 60;
            Storage = StorageKind.InternalFlash;
            SdDataWidth = 4;
            SpiBus = 1;
            SpiChipSelect = -1;
            Pins = new PinFunction[0];
            BlockSize = MaxBlockSize;
            WindowSize = MaxWindowSize;
            TimeoutMs = 1000;
            ServerTimeoutSeconds = 1;
            ShortServerTimeout = true;
            Retries = 10;
            TransferLimitSeconds = 600;
            TrialBoots = UpdateSettings.DefaultMaxTrialBoots;
            Report = true;
        }

        /// <summary>
        /// Gets the device's id as the settings file sets it (<c>device.id</c>), or null: the boot then uses
        /// the network interface's MAC address, 12 lower-case hex digits.
        /// </summary>
        public string DeviceId { get; private set; }

        /// <summary>
        /// Gets whether the device writes its report (<see cref="DeviceReport"/>) to the server after each
        /// boot's update attempt and after its application's confirmation (<c>report</c>, default yes).
        /// </summary>
        public bool Report { get; private set; }

        /// <summary>Gets the TFTP server's IPv4 address, or null when none is set.</summary>
        public IPAddress Server { get; private set; }

        /// <summary>Gets the TFTP server's port.</summary>
        public int Port { get; private set; }

        /// <summary>Gets the release channel: the folder on the server that holds the manifest.</summary>
        public string Channel { get; private set; }

        /// <summary>Gets how the device reaches the server.</summary>
        public NetworkKind Network { get; private set; }

        /// <summary>Gets how long the boot waits for the network before it starts the installed release.</summary>
        public int NetworkWaitSeconds { get; private set; }

        /// <summary>
        /// Gets how long one storage call of an update may go without returning before the boot gives up
        /// on it, records the release being installed as one that cannot be stored, and restarts.
        /// </summary>
        public int StorageWaitSeconds { get; private set; }

        /// <summary>Gets where the releases are kept.</summary>
        public StorageKind Storage { get; private set; }

        /// <summary>Gets the SD bus width for <see cref="StorageKind.SdMmc"/>: 1 or 4.</summary>
        public int SdDataWidth { get; private set; }

        /// <summary>Gets the SPI bus for <see cref="StorageKind.SdSpi"/>.</summary>
        public int SpiBus { get; private set; }

        /// <summary>Gets the chip-select GPIO for <see cref="StorageKind.SdSpi"/>, or -1.</summary>
        public int SpiChipSelect { get; private set; }

        /// <summary>Gets the pin functions to route before mounting the storage.</summary>
        public PinFunction[] Pins { get; private set; }

        /// <summary>Gets what must power the SD card before it is mounted.</summary>
        public CardPower CardPower { get; private set; }

        /// <summary>Gets the folder holding the releases: <c>root</c> if set, else <c>tftpnano</c> on the storage's drive.</summary>
        public string Root
        {
            get { return _root != null ? _root : (Storage == StorageKind.InternalFlash ? "I:\\tftpnano" : "D:\\tftpnano"); }
        }

        /// <summary>Gets the block size to ask for.</summary>
        public int BlockSize { get; private set; }

        /// <summary>Gets the window size to ask for.</summary>
        public int WindowSize { get; private set; }

        /// <summary>Gets the first retransmission timeout in milliseconds.</summary>
        public int TimeoutMs { get; private set; }

        /// <summary>
        /// Gets the timeout, in seconds, the server is asked to wait before it resends (RFC 2349). Raise
        /// it when writing and hashing a window on the device takes longer than the server waits.
        /// </summary>
        public int ServerTimeoutSeconds { get; private set; }

        /// <summary>
        /// Gets whether a lock-step server is asked for a timeout in milliseconds, from the round trips and
        /// writes the boot measured (tftpd-hpa's utimeout; see <see cref="TftpDownloadSettings.ShortServerTimeout"/>).
        /// </summary>
        public bool ShortServerTimeout { get; private set; }

        /// <summary>Gets the timeouts in a row after which a transfer gives up.</summary>
        public int Retries { get; private set; }

        /// <summary>Gets the longest one file's transfer may take, in seconds, so that no server can hold a boot.</summary>
        public int TransferLimitSeconds { get; private set; }

        /// <summary>Gets the key releases must be signed with, or null to accept unsigned releases.</summary>
        public RsaPublicKey PublicKey { get; private set; }

        /// <summary>Gets how often a new release may start unconfirmed before it is rolled back.</summary>
        public int TrialBoots { get; private set; }

        /// <summary>Gets whether older releases may be installed.</summary>
        public bool AllowDowngrade { get; private set; }

        /// <summary>Gets what is wrong with the file, one sentence per problem, with line numbers.</summary>
        public string[] Problems
        {
            get
            {
                // CopyTo, not ToArray(Type): the host tool is compiled ahead of time, which cannot make
                // an array of a type named at run time.
                string[] problems = new string[_problems.Count];
                _problems.CopyTo(problems);
                return problems;
            }
        }

        /// <summary>Gets whether the file had no problems.</summary>
        public bool IsValid
        {
            get { return _problems.Count == 0; }
        }

        /// <summary>
        /// Builds the download settings these settings ask for.
        /// </summary>
        /// <returns>New download settings.</returns>
        public TftpDownloadSettings ToDownloadSettings()
        {
            TftpDownloadSettings download = new TftpDownloadSettings();
            download.BlockSize = BlockSize;
            download.WindowSize = WindowSize;
            download.InitialTimeoutMs = TimeoutMs;
            download.ServerTimeoutSeconds = ServerTimeoutSeconds;
            download.ShortServerTimeout = ShortServerTimeout;
            download.MaxRetries = Retries;
            download.MinTimeoutMs = MinTimeoutMs;
            download.TransferTimeLimitSeconds = TransferLimitSeconds;
            return download;
        }

        /// <summary>
        /// Builds the updater settings these settings ask for.
        /// </summary>
        /// <returns>New updater settings; the server is null when none is set.</returns>
        public UpdateSettings ToUpdateSettings()
        {
            return ToUpdateSettings(null);
        }

        /// <summary>
        /// Builds the updater settings these settings ask for, on a device with the given MAC address.
        /// </summary>
        /// <param name="hardwareAddress">The network interface's MAC address, or null when unknown.</param>
        /// <returns>New updater settings; the device id is <see cref="DeviceId"/>, else the address in hex.</returns>
        public UpdateSettings ToUpdateSettings(byte[] hardwareAddress)
        {
            UpdateSettings update = new UpdateSettings();
            update.Server = Server == null ? null : new IPEndPoint(Server, Port);
            update.Channel = Channel;
            update.PublicKey = PublicKey;
            update.AllowDowngrade = AllowDowngrade;
            update.MaxTrialBoots = TrialBoots;
            update.Download = ToDownloadSettings();
            update.DeviceId = DeviceId != null ? DeviceId
                : hardwareAddress != null && hardwareAddress.Length > 0 ? Hex.Encode(hardwareAddress) : null;
            return update;
        }
    }
}
