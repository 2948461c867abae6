using System;
using System.Net;
using TftpNano.Text;
using TftpNano.Transfer;
using TftpNano.Update.Manifest;
using TftpNano.Update.Storage;

namespace TftpNano.Update
{
    /// <summary>
    /// What a device tells its server after an update attempt, a rollback or its application's
    /// confirmation: the file <c>reports/ID</c>, written with a TFTP write request, that
    /// <c>tftpnano fleet</c> reads.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The report is a few hundred bytes of <c>key value</c> lines (<see cref="ToBytes"/> gives the
    /// format). It is best effort: <see cref="Send"/> takes at most <see cref="SendBudgetMs"/>, never
    /// throws, and touches nothing on the device, so a server that refuses writes (tftpd-hpa without
    /// <c>-c</c>, dnsmasq) costs one ERROR and the caller's log line.
    /// </para>
    /// <para>
    /// The running release's state is derived from the store's record: confirmed, or on trial with the
    /// starts counted so far, and the version this device rolled back from while that version is newer
    /// than the one it runs.
    /// </para>
    /// </remarks>
    public sealed partial class DeviceReport
    {
        /// <summary>The folder of the server that reports are written to.</summary>
        public const string Folder = "reports";

        /// <summary>The longest report a server takes.</summary>
        public const int MaxLength = 4096;

        /// <summary>The longest a report's transfer takes, retransmissions included: one short timeout.</summary>
        public const int SendBudgetMs = 1000;

        // The first wait for the server's answer: a quarter of the budget leaves room for three resends.
        private const int FirstTimeoutMs = 250;

        /// <summary>Gets or sets the device's id, the report's file name.</summary>
        public string DeviceId { get; set; }

        /// <summary>Gets or sets what the report follows: <c>boot</c>, <c>update</c> or <c>confirm</c>.</summary>
        public string Event { get; set; }

        /// <summary>Gets or sets the running release's version, or null when none is installed.</summary>
        public string Release { get; set; }

        /// <summary>Gets or sets whether the running release is confirmed.</summary>
        public bool Confirmed { get; set; }

        /// <summary>Gets or sets the starts of the running release's trial so far.</summary>
        public int TrialBoot { get; set; }

        /// <summary>Gets or sets the starts a trial may take before the rollback.</summary>
        public int TrialBoots { get; set; }

        /// <summary>Gets or sets the version this device rolled back from, or null.</summary>
        public string RolledBackFrom { get; set; }

        /// <summary>Gets or sets what the update attempt did, or 0 when the report follows none.</summary>
        public UpdateOutcome Outcome { get; set; }

        /// <summary>Gets or sets why the update was refused; meaningful when <see cref="Outcome"/> is <see cref="UpdateOutcome.Refused"/>.</summary>
        public UpdateFailure Failure { get; set; }

        /// <summary>Gets or sets the update's sentence, or null.</summary>
        public string Message { get; set; }

        /// <summary>Gets or sets the boot app's version (the TftpNano it is built with).</summary>
        public string BootApp { get; set; }

        /// <summary>Gets or sets the firmware's version, or null when not known.</summary>
        public string Firmware { get; set; }

        /// <summary>Gets or sets the firmware's line (<see cref="Boot.FirmwareLine"/>), or null when not known.</summary>
        public string FirmwareLine { get; set; }

        /// <summary>Gets or sets the free bytes of the release storage, or -1 when not known.</summary>
        public long FreeBytes { get; set; } = -1;

        /// <summary>Gets or sets the milliseconds since the device started.</summary>
        public long UptimeMs { get; set; }

        /// <summary>
        /// Describes the release a store holds and what an update attempt did.
        /// </summary>
        /// <param name="deviceId">The device's id.</param>
        /// <param name="eventName">What the report follows: <c>boot</c>, <c>update</c> or <c>confirm</c>.</param>
        /// <param name="store">The release store, after the attempt.</param>
        /// <param name="trialBoots">The starts a trial may take.</param>
        /// <param name="result">What the update attempt did, or null when the report follows none.</param>
        /// <returns>The report, without the boot app's and the firmware's facts.</returns>
        public static DeviceReport Describe(string deviceId, string eventName, ReleaseStore store, int trialBoots, UpdateResult result)
        {
            DeviceReport report = new DeviceReport();
            report.DeviceId = deviceId;
            report.Event = eventName;
            report.TrialBoots = trialBoots;
            report.BootApp = typeof(DeviceReport).Assembly.GetName().Version.ToString();
            report.UptimeMs = Environment.TickCount64;
            ReleaseManifest active = store.ActiveManifest;
            InstallState state = store.State;
            if (active != null)
            {
                report.Release = active.Version.ToString();
                report.Confirmed = state.Confirmed;
                report.TrialBoot = state.Boots;
                ReleaseVersion rejected = state.Rejected == null ? null : ReleaseVersion.TryParse(state.Rejected);
                if (rejected != null && rejected.CompareTo(active.Version) > 0)
                {
                    report.RolledBackFrom = state.Rejected;
                }
            }

            if (result != null)
            {
                report.Outcome = result.Outcome;
                report.Failure = result.Failure;
                report.Message = result.Message;
            }

            try
            {
                report.FreeBytes = store.Storage.GetFreeSpace();
            }
            catch (Exception)
            {
                // Free space is a courtesy of the report: a storage that cannot tell leaves it out.
                report.FreeBytes = -1;
            }

            return report;
        }

        /// <summary>
        /// Writes the report to <c>reports/ID</c> on a server with a TFTP write request, within
        /// <see cref="SendBudgetMs"/>. Never throws.
        /// </summary>
        /// <param name="transports">Opens the transfer's socket.</param>
        /// <param name="server">The server's request endpoint.</param>
        /// <param name="minTimeoutMs">The shortest wait for an answer (the download settings' floor).</param>
        /// <returns>Null when the server took the report; otherwise one sentence saying why not.</returns>
        public string Send(IDatagramTransportFactory transports, EndPoint server, int minTimeoutMs)
        {
            IPEndPoint endpoint = server as IPEndPoint;
            if (transports == null || endpoint == null)
            {
                return "There is no server to report to.";
            }

            string invalid = StagedRollout.CheckDeviceId(DeviceId);
            if (invalid != null)
            {
                return invalid;
            }

            try
            {
                byte[] content = ToBytes();
                UploadRun upload = new UploadRun(transports, endpoint, Folder + "/" + DeviceId,
                    FirstTimeoutMs > minTimeoutMs ? FirstTimeoutMs : minTimeoutMs, minTimeoutMs);
                upload.Execute(content, content.Length, SendBudgetMs);
                return null;
            }
            catch (TftpException e)
            {
                // The sentence says who refused what, or what failed: the type adds nothing.
                return e.Message;
            }
            catch (Exception e)
            {
                return ExceptionText.Describe(e);
            }
        }
    }
}
