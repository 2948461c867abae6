using TftpNano.Boot.Board;

namespace TftpNano.Boot
{
    /// <summary>
    /// What must power the SD card before it is mounted.
    /// </summary>
    public enum CardPower
    {
        /// <summary>The card is powered whenever the board is (most boards).</summary>
        Always = 0,

        /// <summary>
        /// An AXP192 power manager's LDO2, which starts off, feeds the card (M5Stack Core2): see <see cref="Axp192"/>.
        /// </summary>
        Axp192 = 1,
    }
}
