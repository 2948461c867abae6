using System;
using System.Device.I2c;
using TftpNano.Boot;
using TftpNano.Boot.Board;

namespace TftpNano.Device
{
    /// <summary>
    /// The registers of one I2C chip: a write is the register's address and the value, a read writes
    /// the address and reads one byte back.
    /// </summary>
    internal sealed class I2cRegisterBus : IRegisterBus, IDisposable
    {
        private readonly I2cDevice _device;
        private readonly byte[] _address = new byte[1];
        private readonly byte[] _write = new byte[2];
        private readonly byte[] _read = new byte[1];

        /// <summary>
        /// Opens a chip.
        /// </summary>
        /// <param name="bus">The I2C bus, whose pins are already routed.</param>
        /// <param name="address">The chip's 7-bit address.</param>
        public I2cRegisterBus(int bus, int address)
        {
            _device = I2cDevice.Create(new I2cConnectionSettings(bus, address));
        }

        /// <inheritdoc/>
        public byte Read(byte register)
        {
            _address[0] = register;
            Check(_device.WriteRead(new SpanByte(_address), new SpanByte(_read)), "Reading register", register);
            return _read[0];
        }

        /// <inheritdoc/>
        public void Write(byte register, byte value)
        {
            _write[0] = register;
            _write[1] = value;
            Check(_device.Write(new SpanByte(_write)), "Writing register", register);
        }

        /// <inheritdoc/>
        public void Dispose()
        {
            _device.Dispose();
        }

        // A chip that does not acknowledge is named, so that a missing or wrong board says so at once.
        // The status is spelled out here: a .pe keeps no enum member names.
        private void Check(I2cTransferResult result, string operation, byte register)
        {
            I2cTransferStatus status = result.Status;
            if (status == I2cTransferStatus.FullTransfer)
            {
                return;
            }

            string reason = status == I2cTransferStatus.SlaveAddressNotAcknowledged ? "no chip answered at that address"
                : status == I2cTransferStatus.PartialTransfer ? "the transfer was cut short"
                : status == I2cTransferStatus.ClockStretchTimeout ? "the chip held the clock too long"
                : "the bus failed";
            I2cConnectionSettings settings = _device.ConnectionSettings;
            throw new InvalidOperationException(operation + " 0x" + register.ToString("X2") + " of the I2C chip at 0x"
                + settings.DeviceAddress.ToString("X2") + " on I2C" + settings.BusId.ToString() + " failed: " + reason + ".");
        }
    }
}
