using System.Reflection;
using System.Reflection.Emit;

namespace TftpNano.Bench;

/// <summary>
/// Counts the IL instructions of a method's innermost loops: the work per iteration that an IL
/// interpreter such as nanoFramework's executes, which host timings cannot show.
/// </summary>
internal static class IlLoops
{
    private static readonly Dictionary<short, OpCode> OpCodes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>
    /// The instruction count of each innermost loop, in IL order. A loop is the range from a backward
    /// branch's target to the branch (the C# compiler puts the condition at the bottom); it is innermost
    /// when no other backward branch lies inside it.
    /// </summary>
    public static int[] InnermostLoopSizes(MethodInfo method)
    {
        byte[] il = method.GetMethodBody()!.GetILAsByteArray()!;
        var starts = new List<int>();
        var loops = new List<(int Target, int Branch)>();
        for (int offset = 0; offset < il.Length;)
        {
            starts.Add(offset);
            OpCode op = il[offset] == 0xFE ? OpCodes[(short)(0xFE00 | il[offset + 1])] : OpCodes[il[offset]];
            int next = offset + op.Size + OperandSize(op, il, offset + op.Size);
            int? target = op.OperandType switch
            {
                OperandType.ShortInlineBrTarget => next + (sbyte)il[offset + op.Size],
                OperandType.InlineBrTarget => next + BitConverter.ToInt32(il, offset + op.Size),
                _ => null,
            };
            if (target is int t && t <= offset)
            {
                loops.Add((t, offset));
            }

            offset = next;
        }

        return loops
            .Where(l => !loops.Any(o => o != l && o.Target >= l.Target && o.Branch <= l.Branch))
            .OrderBy(l => l.Target)
            .Select(l => starts.Count(s => s >= l.Target && s <= l.Branch))
            .ToArray();
    }

    private static int OperandSize(OpCode op, byte[] il, int operand) => op.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, operand)),
        _ => 4,
    };
}
