using System;
using System.Device.Gpio;

namespace Probe
{
    public static class Program
    {
        public static void Main()
        {
            Step("ctor", () => { _c = new GpioController(); });
            Step("open", () => { _p = _c.OpenPin(2, PinMode.Output); });
            Step("write", () => { _p.Write(PinValue.High); });
            Step("toggle", () => { _p.Toggle(); });
            Step("cwrite", () => { _c.Write(2, PinValue.High); });
        }
        static GpioController _c; static GpioPin _p;
        delegate void A();
        static void Step(string n, A a) { try { a(); Console.WriteLine(n + " ok"); } catch (Exception e) { Console.WriteLine(n + " " + e.GetType().FullName + " " + e.Message); } }
    }
}
