using System;
using System.Collections;
using System.IO;
using System.Net;
using System.Text;
using TftpNano.Boot.Board;
using TftpNano.Security;
using TftpNano.Text;
using TftpNano.Transfer;
using TftpNano.Update;
using TftpNano.Update.Manifest;

namespace TftpNano.Boot
{
    // Reading a settings file: one key=value per line, every problem collected with its line, never a
    // throw; the device and tftpnano check-config run this same code.
    public sealed partial class DeviceSettings
    {
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
                case "server.utimeout":
                    if (value != "yes" && value != "no")
                    {
                        return "server.utimeout must be yes or no, not '" + value + "'.";
                    }

                    ShortServerTimeout = value == "yes";
                    return null;
                case "retries":
                    return ApplyNumber(key, value, 1, 50);
                case "transfer.limit":
                    return ApplyNumber(key, value, 10, 3600);
                case "publickey":
                    return ReadKey(value);
                case "trial.boots":
                    return ApplyNumber(key, value, 1, 100);
                case "report":
                    if (value != "yes" && value != "no")
                    {
                        return "report must be yes or no, not '" + value + "'.";
                    }

                    Report = value == "yes";
                    return null;
                case "device.id":
                    string idProblem = StagedRollout.CheckDeviceId(value);
                    if (idProblem != null)
                    {
                        return "device.id: " + idProblem;
                    }

                    DeviceId = value;
                    return null;
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
