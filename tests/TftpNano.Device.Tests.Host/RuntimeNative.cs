namespace nanoFramework.Runtime.Native
{
    /// <summary>
    /// The desktop's stand-in for nanoFramework's <c>GC</c>, which the device test cases call between
    /// boots: a full collection, which is all it can mean on the desktop.
    /// </summary>
    public static class GC
    {
        /// <summary>Collects garbage; the desktop compacts on its own.</summary>
        /// <param name="compactHeap">Whether nanoFramework should also compact its heap.</param>
        /// <returns>0: the desktop does not tell free bytes this way.</returns>
        public static uint Run(bool compactHeap)
        {
            System.GC.Collect();
            return 0;
        }
    }
}
