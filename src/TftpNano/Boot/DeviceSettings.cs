using System;
using System.Collections;
using System.IO;
using System.Net;
using System.Text;
using TftpNano.Security;
using TftpNano.Transfer;
using TftpNano.Update;

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
    public sealed class DeviceSettings
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
            Retries = 10;
            TransferLimitSeconds = 600;
            TrialBoots = UpdateSettings.DefaultMaxTrialBoots;
        }

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
        /// Reads the settings file, at most <see cref="MaxFileLength"/> bytes of it: a longer file is
        /// refused whole, with one problem, without being held in memory.
        /// </summary>
        /// <param name="file">The file, read from its start; null when there is none. The caller closes it.</param>
        /// <returns>The settings, with <see cref="Problems"/> listing anything that could not be used.</returns>
        public static DeviceSettings Read(Stream file)
        {
            if (file == null)
            {
                return Parse(null);
            }

            // One byte more than the cap tells a file at the cap from a longer one.
            byte[] bytes = new byte[MaxFileLength + 1];
            int length = 0;
            int read;
            while (length < bytes.Length && (read = file.Read(bytes, length, bytes.Length - length)) > 0)
            {
                length += read;
            }

            if (length > MaxFileLength)
            {
                DeviceSettings refused = new DeviceSettings();
                refused._problems.Add("The settings file is longer than " + MaxFileLength.ToString() + " bytes; shorten it (comments included).");
                return refused;
            }

            return Parse(Encoding.UTF8.GetString(bytes, 0, length));
        }

        /// <summary>
        /// Reads settings.
        /// </summary>
        /// <param name="text">The file's content; null when there is no file.</param>
        /// <returns>The settings, with <see cref="Problems"/> listing anything that could not be used.</returns>
        public static DeviceSettings Parse(string text)
        {
            DeviceSettings settings = new DeviceSettings();
            if (text == null)
            {
                settings._problems.Add("There is no settings file.");
                return settings;
            }

            string[] lines = text.Split(new char[] { '\n' });
            for (int i = 0; i < lines.Length; i++)
            {
                string where = "Line " + (i + 1).ToString() + ": ";
                if (lines[i].Length > MaxLineLength)
                {
                    settings._problems.Add(where + "longer than " + MaxLineLength.ToString() + " characters.");
                    continue;
                }

                string line = lines[i].Trim();
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                int equals = line.IndexOf('=');
                if (equals <= 0)
                {
                    settings._problems.Add(where + "'" + line + "' is not key=value.");
                    continue;
                }

                string key = line.Substring(0, equals).Trim();
                string value = line.Substring(equals + 1).Trim();
                if (settings._seen.Contains(key))
                {
                    settings._problems.Add(where + "'" + key + "' is set twice.");
                    continue;
                }

                settings._seen.Add(key);
                string problem = settings.Apply(key, value);
                if (problem != null)
                {
                    settings._problems.Add(where + problem);
                }
            }

            settings.CheckCombination();
            return settings;
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
            UpdateSettings update = new UpdateSettings();
            update.Server = Server == null ? null : new IPEndPoint(Server, Port);
            update.Channel = Channel;
            update.PublicKey = PublicKey;
            update.AllowDowngrade = AllowDowngrade;
            update.MaxTrialBoots = TrialBoots;
            update.Download = ToDownloadSettings();
            return update;
        }

        private string Apply(string key, string value)
        {
            switch (key)
            {
                case "server":
                    byte[] octets = ParseIPv4(value);
                    if (octets == null)
                    {
                        return "server must be an IPv4 address such as 192.168.1.10, not '" + value + "'.";
                    }

                    if (!IsOneHost(octets))
                    {
                        return "server must be the address of one host, not '" + value + "' (unspecified, broadcast, multicast or reserved).";
                    }

                    Server = new IPAddress(octets);
                    return null;
                case "port":
                    return ApplyNumber(key, value, 1, 65535);
                case "channel":
                    // The manifest's own rule: a channel a manifest cannot name can never match one, and
                    // '..' or '\\' would ask the server for a file outside the channel.
                    string channel = value.Trim(new char[] { '/' });
                    string channelProblem = ReleaseManifest.CheckChannel(channel);
                    if (channelProblem != null)
                    {
                        return "channel: " + channelProblem;
                    }

                    Channel = channel;
                    return null;
                case "network":
                    if (value == "wifi")
                    {
                        Network = NetworkKind.Wifi;
                    }
                    else if (value == "ethernet")
                    {
                        Network = NetworkKind.Ethernet;
                    }
                    else
                    {
                        return "network must be wifi or ethernet, not '" + value + "'.";
                    }

                    return null;
                case "network.wait":
                    return ApplyNumber(key, value, 1, 600);
                case "storage.wait":
                    return ApplyNumber(key, value, 5, 600);
                case "storage":
                    if (value == "internal")
                    {
                        Storage = StorageKind.InternalFlash;
                    }
                    else if (value == "sd-mmc")
                    {
                        Storage = StorageKind.SdMmc;
                    }
                    else if (value == "sd-spi")
                    {
                        Storage = StorageKind.SdSpi;
                    }
                    else
                    {
                        return "storage must be internal, sd-mmc or sd-spi, not '" + value + "'.";
                    }

                    return null;
                case "sd.width":
                    if (value != "1" && value != "4")
                    {
                        return "sd.width must be 1 or 4, not '" + value + "'.";
                    }

                    SdDataWidth = value == "1" ? 1 : 4;
                    return null;
                case "spi.bus":
                    return ApplyNumber(key, value, 1, 2);
                case "spi.cs":
                    return ApplyNumber(key, value, 0, 48);
                case "pins":
                    return ReadPins(value);
                case "power":
                    if (value == "axp192")
                    {
                        CardPower = CardPower.Axp192;
                    }
                    else if (value != "none")
                    {
                        return "power must be none or axp192 (an M5Stack Core2's power manager), not '" + value + "'.";
                    }

                    return null;
                case "root":
                    if (!IsFolderOnADrive(value))
                    {
                        return "root must be a folder with its drive, such as D:\\tftpnano, not '" + value + "'.";
                    }

                    _root = value;
                    return null;
                case "blksize":
                    return ApplyNumber(key, value, 8, MaxBlockSize);
                case "windowsize":
                    return ApplyNumber(key, value, 1, MaxWindowSize);
                case "timeout":
                    return ApplyNumber(key, value, MinTimeoutMs, 10000);
                case "server.timeout":
                    return ApplyNumber(key, value, 1, 255);
                case "retries":
                    return ApplyNumber(key, value, 1, 50);
                case "transfer.limit":
                    return ApplyNumber(key, value, 10, 3600);
                case "publickey":
                    return ReadKey(value);
                case "trial.boots":
                    return ApplyNumber(key, value, 1, 100);
                case "downgrade":
                    if (value != "yes" && value != "no")
                    {
                        return "downgrade must be yes or no, not '" + value + "'.";
                    }

                    AllowDowngrade = value == "yes";
                    return null;
                default:
                    return "'" + key + "' is not a setting.";
            }
        }

        private string ApplyNumber(string key, string value, int min, int max)
        {
            int number;
            string problem = ReadNumber(key, value, min, max, out number);
            if (problem != null)
            {
                return problem;
            }

            switch (key)
            {
                case "port":
                    Port = number;
                    break;
                case "network.wait":
                    NetworkWaitSeconds = number;
                    break;
                case "storage.wait":
                    StorageWaitSeconds = number;
                    break;
                case "spi.bus":
                    SpiBus = number;
                    break;
                case "spi.cs":
                    SpiChipSelect = number;
                    break;
                case "blksize":
                    BlockSize = number;
                    break;
                case "windowsize":
                    WindowSize = number;
                    break;
                case "timeout":
                    TimeoutMs = number;
                    break;
                case "server.timeout":
                    ServerTimeoutSeconds = number;
                    break;
                case "retries":
                    Retries = number;
                    break;
                case "transfer.limit":
                    TransferLimitSeconds = number;
                    break;
                default:
                    TrialBoots = number;
                    break;
            }

            return null;
        }

        private static string ReadNumber(string key, string value, int min, int max, out int number)
        {
            long parsed = DecimalText.Parse(value, 0, 6);
            number = (int)parsed;
            if (parsed < min || parsed > max)
            {
                return key + " must be a whole number from " + min.ToString() + " to " + max.ToString() + ", not '" + value + "'.";
            }

            return null;
        }

        private string ReadKey(string value)
        {
            if (value == "none")
            {
                return null;
            }

            if (value.Length == 0)
            {
                return "publickey is empty: paste the line of the .pub file from tftpnano keygen after publickey=, or write publickey=none to accept unsigned releases (a bench only).";
            }

            try
            {
                PublicKey = RsaPublicKey.Parse(value);
                return null;
            }
            catch (ArgumentException e)
            {
                return "publickey: " + e.Message;
            }
        }

        private string ReadPins(string value)
        {
            string[] pairs = value.Split(new char[] { ',' });
            PinFunction[] pins = new PinFunction[pairs.Length];
            for (int i = 0; i < pairs.Length; i++)
            {
                string pair = pairs[i].Trim();
                int colon = pair.IndexOf(':');
                int pin;
                string function = colon < 0 ? string.Empty : pair.Substring(colon + 1);
                if (colon <= 0 || ReadNumber("pin", pair.Substring(0, colon), 0, 48, out pin) != null || !IsIdentifier(function))
                {
                    return "pins must be GPIO:FUNCTION pairs separated by commas (such as 14:SDMMC1_CLOCK), not '" + pair + "'.";
                }

                int functionValue = Esp32DeviceFunctions.ValueOf(function);
                if (functionValue < 0)
                {
                    return "pins: '" + function + "' is not a function the boot app routes; it routes SPIn_MOSI, SPIn_MISO, SPIn_CLOCK, I2Cn_DATA, I2Cn_CLOCK and SDMMCn_CLOCK, SDMMCn_COMMAND, SDMMCn_D0 to SDMMCn_D3 (n = 1 or 2).";
                }

                pins[i] = new PinFunction(pin, function, functionValue);
            }

            Pins = pins;
            return null;
        }

        private void CheckCombination()
        {
            // The storage's drive is the one its driver mounts: a root elsewhere can never be used.
            string drive = Storage == StorageKind.InternalFlash ? "I:" : "D:";
            if (_root != null && _root.Substring(0, 2) != drive)
            {
                _problems.Add("root " + _root + " is not on " + drive + ", where storage=" + StorageName + " keeps releases.");
                _root = null;
            }

            if (Server == null && !_seen.Contains("server"))
            {
                _problems.Add("server is not set.");
            }

            if (!_seen.Contains("publickey"))
            {
                _problems.Add("publickey is not set; give the content of the .pub file from tftpnano keygen, or none to accept unsigned releases.");
            }

            if (Storage == StorageKind.SdSpi && SpiChipSelect < 0)
            {
                _problems.Add("storage=sd-spi needs spi.cs, the chip-select GPIO.");
            }

            if (CardPower == CardPower.Axp192 && Storage == StorageKind.InternalFlash)
            {
                _problems.Add("power=axp192 powers an SD card, and storage is internal.");
            }

            if (CardPower == CardPower.Axp192 && (!Routes("I2C1_DATA") || !Routes("I2C1_CLOCK")))
            {
                _problems.Add("power=axp192 talks to the power manager on I2C1: route it in pins (on a Core2, 21:I2C1_DATA,22:I2C1_CLOCK).");
            }
        }

        private bool Routes(string function)
        {
            for (int i = 0; i < Pins.Length; i++)
            {
                if (Pins[i].Function == function)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsIdentifier(string text)
        {
            if (text.Length == 0)
            {
                return false;
            }

            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
                {
                    return false;
                }
            }

            return true;
        }

        private string StorageName
        {
            get { return Storage == StorageKind.InternalFlash ? "internal" : Storage == StorageKind.SdMmc ? "sd-mmc" : "sd-spi"; }
        }

        // A drive letter, ":\\", then folder names separated by single backslashes: no '.' or '..' part
        // (which would leave the folder, or the drive), no empty part, none of FAT's forbidden characters.
        private static bool IsFolderOnADrive(string value)
        {
            if (value.Length < 4 || value.Length > MaxRootLength || value[1] != ':' || value[2] != '\\')
            {
                return false;
            }

            string[] parts = value.Substring(3).Split(new char[] { '\\' });
            for (int i = 0; i < parts.Length; i++)
            {
                string part = parts[i];
                if (part.Length == 0 || part == "." || part == "..")
                {
                    return false;
                }

                for (int j = 0; j < part.Length; j++)
                {
                    char c = part[j];
                    if (c < ' ' || c >= 0x7f || "/:*?\"<>|".IndexOf(c) >= 0)
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        // A server answers one host: not 0.x.x.x ("this network", RFC 1122 3.2.1.3), not 224 to 239
        // (multicast) and not 240 to 255 (reserved, and the limited broadcast).
        private static bool IsOneHost(byte[] octets)
        {
            return octets[0] != 0 && octets[0] < 224;
        }

        // Four decimal octets, each 0 to 255 and without a leading zero: IPAddress.Parse reads 010.0.0.1 as
        // 8.0.0.1 (octal, as inet_aton does) and fails on 09.1.1.1, so a device would ask the wrong server
        // or none. The address is built from the octets, never parsed again.
        private static byte[] ParseIPv4(string text)
        {
            string[] parts = text.Split(new char[] { '.' });
            if (parts.Length != 4)
            {
                return null;
            }

            byte[] octets = new byte[4];
            for (int i = 0; i < 4; i++)
            {
                string part = parts[i];
                if (part.Length == 0 || part.Length > 3 || (part.Length > 1 && part[0] == '0'))
                {
                    return null;
                }

                long value = DecimalText.Parse(part, 0, 3);
                if (value < 0 || value > 255)
                {
                    return null;
                }

                octets[i] = (byte)value;
            }

            return octets;
        }
    }
}
