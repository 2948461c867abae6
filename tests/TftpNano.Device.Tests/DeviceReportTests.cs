using TftpNano.Boot;
using TftpNano.Update;
using nanoFramework.TestFramework;

namespace TftpNano.Device.Tests
{
    /// <summary>
    /// The report a device writes to its server reads back as written, stays small whatever its
    /// message says, and cannot be made to say something else by that message.
    /// </summary>
    [TestClass]
    public class DeviceReportTests
    {
        [TestMethod]
        public void RoundTrips()
        {
            DeviceReport report = Sample();
            byte[] bytes = report.ToBytes();
            DeviceReport read = DeviceReport.Parse(bytes, bytes.Length);

            Assert.IsNotNull(read);
            Assert.AreEqual("dev-07", read.DeviceId);
            Assert.AreEqual("boot", read.Event);
            Assert.AreEqual("2.0.0", read.Release);
            Assert.IsFalse(read.Confirmed);
            Assert.AreEqual(2, read.TrialBoot);
            Assert.AreEqual(3, read.TrialBoots);
            Assert.AreEqual("trial 2 of 3", read.State);
            Assert.AreEqual("2.1.0", read.RolledBackFrom);
            Assert.AreEqual((int)UpdateOutcome.Refused, (int)read.Outcome);
            Assert.AreEqual((int)UpdateFailure.SignatureInvalid, (int)read.Failure);
            Assert.AreEqual("signature_invalid", read.FailureWord);
            Assert.AreEqual("The signature does not match.", read.Message);
            Assert.AreEqual("1.4.0.0", read.BootApp);
            Assert.AreEqual("1.12.0.4", read.Firmware);
            Assert.AreEqual(FirmwareLine.July2026, read.FirmwareLine);
            Assert.AreEqual(123456L, read.FreeBytes);
            Assert.AreEqual(81234L, read.UptimeMs);

            // The firmware line's native checksums, and the outcome with its reason, as lines.
            string text = Text(bytes);

            Assert.IsTrue(text.IndexOf("\nnative System.Net 0x8EFB9944\n") > 0, text);
            Assert.IsTrue(text.IndexOf("\nnative System.IO.FileSystem 0x1777E2FE\n") > 0, text);
            Assert.IsTrue(text.IndexOf("\noutcome refused\nfailure signature_invalid\n") > 0, text);
        
        }

        [TestMethod]
        public void AConfirmedReleaseWithoutAnUpdateAttemptHasNoOutcome()
        {
            DeviceReport report = Sample();
            report.Confirmed = true;
            report.RolledBackFrom = null;
            report.Outcome = 0;
            byte[] bytes = report.ToBytes();
            DeviceReport read = DeviceReport.Parse(bytes, bytes.Length);

            Assert.AreEqual("confirmed", read.State);
            Assert.IsNull(read.OutcomeWord);
            Assert.IsNull(read.FailureWord);
            Assert.AreEqual(-1, Text(bytes).IndexOf("outcome"));
        }

        [TestMethod]
        public void AMessageCannotAddLinesNorGrowTheReport()
        {
            DeviceReport report = Sample();
            string message = "a\nrelease 9.9.9\n";
            while (message.Length < 1000)
            {
                message += message;
            }

            report.Message = message;
            byte[] bytes = report.ToBytes();
            DeviceReport read = DeviceReport.Parse(bytes, bytes.Length);

            Assert.IsTrue(bytes.Length < 1024, bytes.Length.ToString());
            Assert.AreEqual("2.0.0", read.Release);
            Assert.IsTrue(read.Message.StartsWith("a?release 9.9.9?"), read.Message);
        }

        [TestMethod]
        public void TheFirmwareLineFollowsTheSystemNetTheBootAppCarries()
        {
            Assert.AreEqual(FirmwareLine.June2026, FirmwareLine.OfSystemNet(new System.Version(1, 11, 54, 0)));
            Assert.AreEqual(FirmwareLine.July2026, FirmwareLine.OfSystemNet(new System.Version(1, 11, 60, 0)));
            Assert.IsNull(FirmwareLine.OfSystemNet(new System.Version(1, 12, 0, 0)));
            Assert.IsNull(FirmwareLine.OfSystemNet(null));
            Assert.AreEqual("0x6DFA71D6", FirmwareLine.SystemNetChecksum(FirmwareLine.June2026));
        
        }

        [TestMethod]
        public void WhatIsNotAReportIsRefused()
        {
            byte[] bytes = Sample().ToBytes();
            Assert.IsNull(DeviceReport.Parse(bytes, 5));
            Assert.IsNull(DeviceReport.Parse(new byte[] { 0x41, 0x0a }, 2));
            Assert.IsNull(DeviceReport.Parse(new byte[DeviceReport.MaxLength + 1], DeviceReport.MaxLength + 1));

            DeviceReport badId = Sample();
            badId.DeviceId = "../x";
            byte[] forged = badId.ToBytes();
            Assert.IsNull(DeviceReport.Parse(forged, forged.Length));
        }

        private static DeviceReport Sample()
        {
            DeviceReport report = new DeviceReport();
            report.DeviceId = "dev-07";
            report.Event = "boot";
            report.Release = "2.0.0";
            report.TrialBoot = 2;
            report.TrialBoots = 3;
            report.RolledBackFrom = "2.1.0";
            report.Outcome = UpdateOutcome.Refused;
            report.Failure = UpdateFailure.SignatureInvalid;
            report.Message = "The signature does not match.";
            report.BootApp = "1.4.0.0";
            report.Firmware = "1.12.0.4";
            report.FirmwareLine = FirmwareLine.July2026;
            report.FreeBytes = 123456;
            report.UptimeMs = 81234;
            return report;
        }

        private static string Text(byte[] bytes)
        {
            return System.Text.Encoding.UTF8.GetString(bytes, 0, bytes.Length);
        }
    }
}
