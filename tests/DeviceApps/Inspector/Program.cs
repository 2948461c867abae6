using System;
using System.IO;
using TftpNano.Boot;
using TftpNano.Update;
using TftpNano.Update.Storage;
using nanoFramework.System.IO.FileSystem;

namespace Inspector
{
    /// <summary>
    /// Opens the release storage the device's settings name, as the next boot would (recovery
    /// included), and prints the active release, whether every file matches its manifest entry, and
    /// the folders the storage holds.
    /// </summary>
    public static class Program
    {
        /// <summary>
        /// Prints <c>inspect: release V verified</c> (or what is wrong) and <c>inspect: folders ...</c>.
        /// </summary>
        public static void Main()
        {
            DeviceSettings settings;
            if (File.Exists(DeviceSettings.DefaultPath))
            {
                using (FileStream file = new FileStream(DeviceSettings.DefaultPath, FileMode.Open, FileAccess.Read))
                {
                    settings = DeviceSettings.Read(file);
                }
            }
            else
            {
                settings = DeviceSettings.Read(null);
            }

            if (settings.Storage == StorageKind.SdMmc)
            {
                // What the boot app's platform does on a board with the card on SDMMC, 4 bits wide.
                SDCardMmcParameters mmc = new SDCardMmcParameters();
                mmc.slotIndex = 0;
                mmc.dataWidth = SDCard.SDDataWidth._4_bit;
                new SDCard(mmc, null).Mount();
            }

            FileSystemStorage storage = new FileSystemStorage(settings.Root);
            ReleaseStore store = new ReleaseStore(storage);
            store.Recover();
            if (store.ActiveManifest == null)
            {
                Console.WriteLine("inspect: no release");
            }
            else
            {
                string problem = store.VerifyActive();
                Console.WriteLine("inspect: release " + store.ActiveManifest.Version.ToString()
                    + (problem == null ? " verified" : " damaged: " + problem));
            }

            string[] folders = storage.GetFolders();
            string list = string.Empty;
            for (int i = 0; i < folders.Length; i++)
            {
                list += " " + folders[i];
            }

            Console.WriteLine("inspect: folders" + list);
        }
    }
}
