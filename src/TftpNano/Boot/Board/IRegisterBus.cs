namespace TftpNano.Boot.Board
{
    /// <summary>
    /// The 8-bit registers of one chip on a bus such as I2C.
    /// </summary>
    internal interface IRegisterBus
    {
        /// <summary>
        /// Reads a register.
        /// </summary>
        /// <param name="register">The register's address.</param>
        /// <returns>Its value.</returns>
        byte Read(byte register);

        /// <summary>
        /// Writes a register.
        /// </summary>
        /// <param name="register">The register's address.</param>
        /// <param name="value">The value.</param>
        void Write(byte register, byte value);
    }
}
