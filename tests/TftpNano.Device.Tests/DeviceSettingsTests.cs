using TftpNano.Boot;
using TftpNano.Boot.Board;
using nanoFramework.TestFramework;

namespace TftpNano.Device.Tests
{
    /// <summary>
    /// The boot app's settings file: what it accepts, its defaults, and each problem it reports.
    /// </summary>
    [TestClass]
    public class DeviceSettingsTests
    {
        [TestMethod]
        public void ReadsEverySetting()
        {
            DeviceSettings settings = DeviceSettings.Parse(
                "# a comment\r\n"
                + "server=192.168.1.10\n"
                + "port=6969\n"
                + "channel=/fw/stable/\n"
                + "network=ethernet\n"
                + "network.wait=45\n"
                + "storage=sd-spi\n"
                + "storage.wait=90\n"
                + "spi.bus=2\n"
                + "spi.cs=4\n"
                + "pins=18:SPI1_CLOCK, 23:SPI1_MOSI,38:SPI1_MISO\n"
                + "root=D:\\firmware\n"
                + "blksize=1024\n"
                + "windowsize=2\n"
                + "timeout=500\n"
                + "server.timeout=3\n"
                + "server.utimeout=no\n"
                + "report=no\n"
                + "device.id=pump-station_7\n"
                + "retries=6\n"
                + "transfer.limit=120\n"
                + "publickey=none\n"
                + "trial.boots=5\n"
                + "downgrade=yes\n");

            Assert.IsTrue(settings.IsValid, Join(settings.Problems));
            Assert.AreEqual("192.168.1.10", settings.Server.ToString());
            Assert.AreEqual(6969, settings.Port);
            Assert.AreEqual("fw/stable", settings.Channel);
            Assert.AreEqual((int)NetworkKind.Ethernet, (int)settings.Network);
            Assert.AreEqual(45, settings.NetworkWaitSeconds);
            Assert.AreEqual((int)StorageKind.SdSpi, (int)settings.Storage);
            Assert.AreEqual(90, settings.StorageWaitSeconds);
            Assert.AreEqual(2, settings.SpiBus);
            Assert.AreEqual(4, settings.SpiChipSelect);
            Assert.AreEqual(3, settings.Pins.Length);
            Assert.AreEqual(23, settings.Pins[1].Pin);
            Assert.AreEqual("SPI1_MOSI", settings.Pins[1].Function);
            Assert.AreEqual("D:\\firmware", settings.Root);
            Assert.AreEqual(1024, settings.BlockSize);
            Assert.AreEqual(2, settings.WindowSize);
            Assert.AreEqual(500, settings.TimeoutMs);
            Assert.AreEqual(3, settings.ServerTimeoutSeconds);
            Assert.AreEqual(3, settings.ToDownloadSettings().ServerTimeoutSeconds);
            Assert.IsFalse(settings.ShortServerTimeout);
            Assert.AreEqual("pump-station_7", settings.DeviceId);
            Assert.AreEqual("pump-station_7", settings.ToUpdateSettings(new byte[] { 1, 2, 3, 4, 5, 6 }).DeviceId);
            Assert.AreEqual("240ac4123456", DeviceSettings.Parse("server=10.0.0.1\npublickey=none\n")
                .ToUpdateSettings(new byte[] { 0x24, 0x0a, 0xc4, 0x12, 0x34, 0x56 }).DeviceId);
            Assert.IsNull(DeviceSettings.Parse("server=10.0.0.1\npublickey=none\n").ToUpdateSettings().DeviceId);
            Assert.IsFalse(DeviceSettings.Parse("server=10.0.0.1\npublickey=none\ndevice.id=a/b\n").IsValid);
            Assert.IsFalse(settings.ToDownloadSettings().ShortServerTimeout);
            Assert.IsTrue(DeviceSettings.Parse("server=10.0.0.1\npublickey=none\n").ToDownloadSettings().ShortServerTimeout);
            Assert.IsFalse(DeviceSettings.Parse("server=10.0.0.1\npublickey=none\nserver.utimeout=off\n").IsValid);
            Assert.IsFalse(settings.Report);
            Assert.IsTrue(DeviceSettings.Parse("server=10.0.0.1\npublickey=none\n").Report);
            Assert.IsFalse(DeviceSettings.Parse("server=10.0.0.1\npublickey=none\nreport=off\n").IsValid);
            Assert.AreEqual(6, settings.Retries);
            Assert.AreEqual(120, settings.TransferLimitSeconds);
            Assert.AreEqual(120, settings.ToDownloadSettings().TransferTimeLimitSeconds);
            Assert.IsNull(settings.PublicKey);
            Assert.AreEqual(5, settings.TrialBoots);
            Assert.IsTrue(settings.AllowDowngrade);
        }

        [TestMethod]
        public void AServerAddressIsFourPlainDecimalOctets()
        {
            string[] refused = new string[] { "010.0.0.1", "09.1.1.1", "192.168.1", "192.168.1.256", "1.2.3.4.5", "1..2.3", "+1.2.3.4", "0x7f.0.0.1" };
            for (int i = 0; i < refused.Length; i++)
            {
                DeviceSettings settings = DeviceSettings.Parse("server=" + refused[i] + "\npublickey=none\n");
                Assert.IsFalse(settings.IsValid, refused[i]);
                Assert.IsNull(settings.Server, refused[i]);
            }

            DeviceSettings plain = DeviceSettings.Parse("server=10.0.0.1\npublickey=none\n");
            Assert.IsTrue(plain.IsValid, Join(plain.Problems));
            Assert.AreEqual("10.0.0.1", plain.ToUpdateSettings().Server.ToString().Split(':')[0]);
            Assert.AreEqual("127.0.0.1", DeviceSettings.Parse("server=127.0.0.1\npublickey=none\n").Server.ToString());
        }

        [TestMethod]
        public void TheServerIsOneHostNotABroadcastMulticastOrUnspecifiedAddress()
        {
            string[] refused = new string[] { "0.0.0.0", "0.1.2.3", "255.255.255.255", "224.0.0.1", "239.255.255.250", "240.0.0.1" };
            for (int i = 0; i < refused.Length; i++)
            {
                DeviceSettings settings = DeviceSettings.Parse("server=" + refused[i] + "\npublickey=none\n");
                Assert.IsFalse(settings.IsValid, refused[i]);
                Assert.IsNull(settings.Server, refused[i]);
                Assert.Contains("Line 1: server must be the address of one host", settings.Problems[0]);
            }

            Assert.IsTrue(DeviceSettings.Parse("server=223.255.255.254\npublickey=none\n").IsValid);
        }

        [TestMethod]
        public void TheChannelFollowsTheManifestsRules()
        {
            string long200 = new string('c', 200);
            string[] refused = new string[] { "../etc", "..", "a\\b", "fw//stable", "fw/../x", long200, "fw stable" };
            for (int i = 0; i < refused.Length; i++)
            {
                DeviceSettings settings = DeviceSettings.Parse("server=10.0.0.2\npublickey=none\nchannel=" + refused[i] + "\n");
                Assert.IsFalse(settings.IsValid, refused[i]);
                Assert.Contains("Line 3: channel", settings.Problems[0]);
                Assert.AreEqual(string.Empty, settings.Channel, refused[i]);
            }

            DeviceSettings good = DeviceSettings.Parse("server=10.0.0.2\npublickey=none\nchannel=/fw/stable-2.x/\n");
            Assert.IsTrue(good.IsValid, Join(good.Problems));
            Assert.AreEqual("fw/stable-2.x", good.Channel);
        }

        [TestMethod]
        public void TheRootIsAFolderInsideTheStoragesDrive()
        {
            string[] refused = new string[] { "C:\\tftpnano", "I:\\tftpnano\\..\\..", "I:\\a\\\\b", "I:\\.\\x", "I:\\x?", "I:\\x/y", "I:\\x\\" };
            for (int i = 0; i < refused.Length; i++)
            {
                DeviceSettings settings = DeviceSettings.Parse("server=10.0.0.2\npublickey=none\nroot=" + refused[i] + "\n");
                Assert.IsFalse(settings.IsValid, refused[i]);
                Assert.AreEqual("I:\\tftpnano", settings.Root, refused[i]);
            }

            // On the other drive than the storage's: whichever line comes first.
            DeviceSettings internalOnD = DeviceSettings.Parse("server=10.0.0.2\npublickey=none\nroot=D:\\x\nstorage=internal\n");
            Assert.IsFalse(internalOnD.IsValid);
            Assert.Contains("root D:\\x is not on I:, where storage=internal keeps releases.", internalOnD.Problems[0]);
            Assert.AreEqual("I:\\tftpnano", internalOnD.Root);
            DeviceSettings cardOnI = DeviceSettings.Parse("server=10.0.0.2\npublickey=none\nstorage=sd-mmc\nroot=I:\\x\n");
            Assert.IsFalse(cardOnI.IsValid);
            Assert.AreEqual("D:\\tftpnano", cardOnI.Root);

            DeviceSettings good = DeviceSettings.Parse("server=10.0.0.2\npublickey=none\nstorage=sd-spi\nspi.cs=4\nroot=D:\\fleet\\releases\n");
            Assert.IsTrue(good.IsValid, Join(good.Problems));
            Assert.AreEqual("D:\\fleet\\releases", good.Root);
        }

        [TestMethod]
        public void PinNamesBecomeDeviceFunctionValuesWhenParsed()
        {
            // A .pe keeps no enum member names, so the device cannot look DeviceFunction up by name: the
            // parser maps each name to its value (nanoFramework.Hardware.Esp32 1.6.40) or reports it.
            DeviceSettings settings = DeviceSettings.Parse("server=10.0.0.2\npublickey=none\npins=14:SDMMC1_CLOCK,15:SDMMC1_COMMAND,13:SDMMC1_D3,22:I2C1_CLOCK,5:SPI2_MISO\n");
            Assert.IsTrue(settings.IsValid, Join(settings.Problems));
            Assert.AreEqual(5, settings.Pins.Length);
            Assert.AreEqual(0x080100, settings.Pins[0].FunctionValue);
            Assert.AreEqual(0x080101, settings.Pins[1].FunctionValue);
            Assert.AreEqual(0x080105, settings.Pins[2].FunctionValue);
            Assert.AreEqual(0x020101, settings.Pins[3].FunctionValue);
            Assert.AreEqual(0x010201, settings.Pins[4].FunctionValue);
            Assert.AreEqual(13, settings.Pins[2].Pin);

            DeviceSettings typo = DeviceSettings.Parse("server=10.0.0.2\npublickey=none\npins=14:SDMMC1_CLOCK,15:SDMMC1_CMD\n");
            Assert.AreEqual(1, typo.Problems.Length, Join(typo.Problems));
            Assert.Contains("Line 3: pins: 'SDMMC1_CMD' is not a function the boot app routes", typo.Problems[0]);
            Assert.AreEqual(0, typo.Pins.Length, "nothing is routed from a line with an error");
            Assert.AreEqual(-1, Esp32DeviceFunctions.ValueOf("sdmmc1_clock"), "names are exact, as the enum spells them");
        }

        [TestMethod]
        public void DefaultsStayWithinTheFirmwaresLimits()
        {
            DeviceSettings settings = DeviceSettings.Parse("server=10.0.0.2\npublickey=none\n");
            Assert.IsTrue(settings.IsValid, Join(settings.Problems));
            Assert.AreEqual(69, settings.Port);
            Assert.AreEqual(1468, settings.BlockSize);
            Assert.AreEqual(4, settings.WindowSize);
            Assert.AreEqual((int)StorageKind.InternalFlash, (int)settings.Storage);
            Assert.AreEqual("I:\\tftpnano", settings.Root);
            Assert.AreEqual((int)NetworkKind.Wifi, (int)settings.Network);
            Assert.AreEqual(3, settings.TrialBoots);
            Assert.AreEqual(1, settings.ServerTimeoutSeconds);
            Assert.AreEqual(600, settings.ToDownloadSettings().TransferTimeLimitSeconds, "no server can hold a boot");
            Assert.AreEqual(30, settings.ToDownloadSettings().MinTimeoutMs, "three ticks of the ESP32's 10 ms clock");
            Assert.AreEqual(1, DeviceSettings.Parse("server=10.0.0.2\npublickey=none\ntimeout=20\n").Problems.Length, "a timeout of two ticks is refused");
            Assert.IsFalse(settings.AllowDowngrade);
            Assert.AreEqual(1468, settings.ToDownloadSettings().BlockSize);
            Assert.AreEqual(4, settings.ToUpdateSettings().Download.WindowSize);
            Assert.AreEqual("D:\\tftpnano", DeviceSettings.Parse("server=10.0.0.2\npublickey=none\nstorage=sd-mmc\n").Root);
        }

        [TestMethod]
        public void ReportsEachProblemWithItsLineAndKeepsTheDefault()
        {
            DeviceSettings settings = DeviceSettings.Parse(
                "server=10.0.0.300\n"
                + "blksize=1500\n"
                + "windowsize=8\n"
                + "storage=usb\n"
                + "colour=blue\n"
                + "port\n"
                + "timeout=fast\n"
                + "timeout=100\n"
                + "publickey=\n"
                + "pins=14-SDMMC1_CLOCK\n"
                + "root=tftpnano\n"
                + "sd.width=8\n"
                + "network=lte\n"
                + "downgrade=maybe\n"
                + "storage.wait=4\n");

            string[] problems = settings.Problems;
            Assert.AreEqual(15, problems.Length, Join(problems));
            Assert.Contains("Line 1: server must be an IPv4 address", problems[0]);
            Assert.Contains("Line 2: blksize must be a whole number from 8 to 1468", problems[1]);
            Assert.Contains("Line 3: windowsize must be a whole number from 1 to 4", problems[2]);
            Assert.Contains("Line 4: storage must be internal, sd-mmc or sd-spi", problems[3]);
            Assert.Contains("Line 5: 'colour' is not a setting.", problems[4]);
            Assert.Contains("Line 6: 'port' is not key=value.", problems[5]);
            Assert.Contains("Line 7: timeout must be a whole number", problems[6]);
            Assert.Contains("Line 8: 'timeout' is set twice.", problems[7]);
            Assert.Contains("Line 9: publickey is empty", problems[8]);
            Assert.Contains("Line 10: pins must be GPIO:FUNCTION pairs", problems[9]);
            Assert.Contains("Line 11: root must be a folder with its drive", problems[10]);
            Assert.Contains("Line 12: sd.width must be 1 or 4", problems[11]);
            Assert.Contains("Line 13: network must be wifi or ethernet", problems[12]);
            Assert.Contains("Line 14: downgrade must be yes or no", problems[13]);
            Assert.Contains("Line 15: storage.wait must be a whole number from 5 to 600", problems[14]);
            Assert.AreEqual(1468, settings.BlockSize);
            Assert.AreEqual(4, settings.WindowSize);
            Assert.AreEqual(1000, settings.TimeoutMs);
            Assert.AreEqual((int)StorageKind.InternalFlash, (int)settings.Storage);
            Assert.AreEqual(60, settings.StorageWaitSeconds);
        }

        [TestMethod]
        public void SdOverSpiNeedsItsChipSelect()
        {
            DeviceSettings settings = DeviceSettings.Parse("server=10.0.0.2\npublickey=none\nstorage=sd-spi\n");
            Assert.AreEqual(1, settings.Problems.Length);
            Assert.Contains("spi.cs", settings.Problems[0]);
        }

        [TestMethod]
        public void TheCardsPowerManagerNeedsAnSdCardAndItsI2cBusRouted()
        {
            DeviceSettings core2 = DeviceSettings.Parse("server=10.0.0.2\npublickey=none\nstorage=sd-spi\nspi.cs=4\n"
                + "pins=18:SPI1_CLOCK,23:SPI1_MOSI,38:SPI1_MISO,22:I2C1_CLOCK,21:I2C1_DATA\npower=axp192\n");
            Assert.IsTrue(core2.IsValid, Join(core2.Problems));
            Assert.AreEqual((int)CardPower.Axp192, (int)core2.CardPower);
            Assert.AreEqual((int)CardPower.Always, (int)DeviceSettings.Parse("server=10.0.0.2\npublickey=none\n").CardPower);

            DeviceSettings unrouted = DeviceSettings.Parse("server=10.0.0.2\npublickey=none\nstorage=sd-spi\nspi.cs=4\npower=axp192\n");
            Assert.AreEqual(1, unrouted.Problems.Length, Join(unrouted.Problems));
            Assert.Contains("21:I2C1_DATA,22:I2C1_CLOCK", unrouted.Problems[0]);

            DeviceSettings internalFlash = DeviceSettings.Parse("server=10.0.0.2\npublickey=none\npins=22:I2C1_CLOCK,21:I2C1_DATA\npower=axp192\n");
            Assert.AreEqual(1, internalFlash.Problems.Length, Join(internalFlash.Problems));
            Assert.Contains("storage is internal", internalFlash.Problems[0]);

            DeviceSettings other = DeviceSettings.Parse("server=10.0.0.2\npublickey=none\npower=axp2101\n");
            Assert.Contains("Line 3: power must be none or axp192", other.Problems[0]);
        }

        [TestMethod]
        public void AcceptingUnsignedReleasesIsAlwaysADecision()
        {
            DeviceSettings settings = DeviceSettings.Parse("server=10.0.0.2\n");
            Assert.AreEqual(1, settings.Problems.Length);
            Assert.Contains("publickey is not set", settings.Problems[0]);
        }

        [TestMethod]
        public void AFileLargerThanTheCapIsRefusedWholeWithOneLineAndNothingHeldInMemory()
        {
            // 64 KB: a valid file, then comment lines. Read as a whole it would not fit a 96 KiB heap.
            DeviceSettings settings = DeviceSettings.Read(new CommentedStream("server=10.0.0.2\npublickey=none\n", 64 * 1024));

            Assert.IsFalse(settings.IsValid);
            Assert.AreEqual(1, settings.Problems.Length, Join(settings.Problems));
            Assert.AreEqual("The settings file is longer than 4096 bytes; shorten it (comments included).", settings.Problems[0]);
            Assert.AreEqual("I:\\tftpnano", settings.Root);
            Assert.IsNull(settings.Server);
        }

        [TestMethod]
        public void AFileWithinTheCapIsReadAndALineOverTheCapIsRefusedWithItsNumber()
        {
            DeviceSettings within = DeviceSettings.Read(new CommentedStream("server=10.0.0.2\npublickey=none\n", DeviceSettings.MaxFileLength));
            Assert.IsTrue(within.IsValid, Join(within.Problems));
            Assert.AreEqual("10.0.0.2", within.Server.ToString());

            DeviceSettings longLine = DeviceSettings.Parse("server=10.0.0.2\npublickey=none\n#" + new string('x', DeviceSettings.MaxLineLength) + "\nport=70\n");
            Assert.AreEqual(1, longLine.Problems.Length, Join(longLine.Problems));
            Assert.AreEqual("Line 3: longer than 1024 characters.", longLine.Problems[0]);
            Assert.AreEqual(70, longLine.Port);

            Assert.AreEqual("There is no settings file.", DeviceSettings.Read(null).Problems[0]);
        }

        [TestMethod]
        public void AMissingFileIsAProblemNotACrash()
        {
            DeviceSettings settings = DeviceSettings.Parse(null);
            Assert.IsFalse(settings.IsValid);
            Assert.AreEqual("There is no settings file.", settings.Problems[0]);
            Assert.AreEqual("I:\\tftpnano", settings.Root);
        }

        [TestMethod]
        public void ReadsAPublicKey()
        {
            DeviceSettings settings = DeviceSettings.Parse("server=10.0.0.2\npublickey=" + RsaVerificationTests.ModulusBase64 + "\n");
            Assert.IsTrue(settings.IsValid, Join(settings.Problems));
            Assert.AreEqual(256, settings.PublicKey.ModulusLength);
            DeviceSettings bad = DeviceSettings.Parse("server=10.0.0.2\npublickey=AAAA\n");
            Assert.Contains("publickey:", bad.Problems[0]);
        }

        private static string Join(string[] lines)
        {
            string text = string.Empty;
            for (int i = 0; i < lines.Length; i++)
            {
                text += lines[i] + " | ";
            }

            return text;
        }
    }
}
