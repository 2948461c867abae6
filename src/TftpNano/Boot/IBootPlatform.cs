using System;
using System.IO;
using TftpNano.Transfer;
using TftpNano.Update;
using TftpNano.Update.Manifest;
using TftpNano.Update.Storage;

namespace TftpNano.Boot
{
    /// <summary>
    /// What the boot sequence needs from the hardware: the thin layer that only exists on the device.
    /// </summary>
    /// <remarks>
    /// Everything that decides something lives in <see cref="BootSequence"/> and is tested on the host;
    /// an implementation only performs each step and reports failures as exceptions.
    /// </remarks>
    public interface IBootPlatform
    {
        /// <summary>
        /// Opens the settings file for reading; the boot sequence reads at most
        /// <see cref="DeviceSettings.MaxFileLength"/> bytes of it and closes it.
        /// </summary>
        /// <returns>The file, or null when there is none.</returns>
        Stream OpenSettings();

        /// <summary>
        /// Brings the network up and waits until it has an address, at most the given time.
        /// </summary>
        /// <param name="settings">Which network to use.</param>
        /// <param name="timeoutMs">The longest wait.</param>
        /// <returns>True when the network is up.</returns>
        bool ConnectNetwork(DeviceSettings settings, int timeoutMs);

        /// <summary>
        /// Routes the configured pin functions and mounts the storage.
        /// </summary>
        /// <param name="settings">Which storage to use and where the releases live on it.</param>
        /// <returns>The release storage.</returns>
        IUpdateStorage MountStorage(DeviceSettings settings);

        /// <summary>
        /// Gets the network interface's MAC address, the device's id unless the settings name one; null
        /// when the board has none to tell.
        /// </summary>
        byte[] HardwareAddress { get; }

        /// <summary>
        /// Gets the firmware's version, as the device's report tells it; null when not known.
        /// </summary>
        string FirmwareVersion { get; }

        /// <summary>
        /// Gets what opens the updater's UDP sockets, one per transfer.
        /// </summary>
        IDatagramTransportFactory Transports { get; }

        /// <summary>
        /// Finds an assembly the boot app carries, before any release is loaded.
        /// </summary>
        /// <param name="name">The assembly's name, such as <c>mscorlib</c>.</param>
        /// <returns>Its version, or null when the boot app does not carry it.</returns>
        Version FindAssembly(string name);

        /// <summary>
        /// Loads the release's assemblies in manifest order and calls its entry point.
        /// </summary>
        /// <param name="settings">Where the releases live.</param>
        /// <param name="folder">The active release's folder inside the storage.</param>
        /// <param name="manifest">The active release's manifest.</param>
        void Launch(DeviceSettings settings, string folder, ReleaseManifest manifest);

        /// <summary>
        /// Restarts the device: after a failed start of a release on trial, or when the running release
        /// asks to start one it installed.
        /// </summary>
        void Restart();

        /// <summary>
        /// Writes one line to the console.
        /// </summary>
        /// <param name="message">The line.</param>
        void Log(string message);
    }
}
