// The nanoFramework-only members the boot app's hardware glue (src/TftpNano.Device) uses, declared so
// that the API gate can compile that glue on the host. Each declaration is spelled exactly as on the
// API list, and a test holds every public member here to the list. Not compiled into any assembly.
using System.Threading;

namespace nanoFramework.Runtime.Native
{
    public enum RebootOption
    {
        NormalReboot = 0,
        EnterNanoBooter = 1,
        ClrOnly = 2,
        EnterProprietaryBooter = 4,
    }

    public class Power
    {
        public static void RebootDevice(RebootOption rebootOption)
        {
        }
    }
}

namespace nanoFramework.Networking
{
    public static class NetworkHelper
    {
        public static bool SetupAndConnectNetwork(CancellationToken token, bool requiresDateTime)
        {
            return false;
        }
    }

    public static class WifiNetworkHelper
    {
        public static bool Reconnect(bool requiresDateTime, int wifiAdapterId, CancellationToken token)
        {
            return false;
        }
    }
}

namespace nanoFramework.System.IO.FileSystem
{
    public class CardDetectParameters
    {
    }

    public class SDCardMmcParameters
    {
        public uint slotIndex;
        public SDCard.SDDataWidth dataWidth;
    }

    public class SDCardSpiParameters
    {
        public uint slotIndex;
        public uint spiBus;
        public uint chipSelectPin;
    }

    public class SDCard
    {
        public SDCard(SDCardMmcParameters mmcParameters, CardDetectParameters cdParameters)
        {
        }

        public SDCard(SDCardSpiParameters spiParameters, CardDetectParameters cdParameters)
        {
        }

        public enum SDDataWidth
        {
            _1_bit = 1,
            _4_bit = 2,
        }

        public void Mount()
        {
        }
    }
}
