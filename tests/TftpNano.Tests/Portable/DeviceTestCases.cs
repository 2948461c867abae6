using System.Reflection;
using System.Runtime.ExceptionServices;
using nanoFramework.TestFramework;
using Assert = Xunit.Assert;

namespace TftpNano.Tests.Portable;

/// <summary>
/// Runs each on-device test case (tests/TftpNano.Device.Tests) on the host, one xunit case per method.
/// </summary>
public class DeviceTestCases
{
    private static readonly Assembly Suite = typeof(TftpNano.Device.Tests.Sha256Tests).Assembly;

    public static TheoryData<string> Cases
    {
        get
        {
            var cases = new TheoryData<string>();
            foreach (MethodInfo method in TestMethods())
            {
                cases.Add($"{method.DeclaringType!.Name}.{method.Name}");
            }

            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Passes(string name)
    {
        MethodInfo method = TestMethods().Single(m => $"{m.DeclaringType!.Name}.{m.Name}" == name);
        object instance = Activator.CreateInstance(method.DeclaringType!)!;
        try
        {
            method.Invoke(instance, null);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
    }

    [Fact]
    public void EveryTestClassIsFoundAndHasCases()
    {
        Type[] classes = Suite.GetTypes().Where(t => t.IsDefined(typeof(TestClassAttribute))).ToArray();
        Assert.True(classes.Length >= 4, $"found {classes.Length} test classes");
        Assert.All(classes, c => Assert.Contains(c.GetMethods(), m => m.IsDefined(typeof(TestMethodAttribute))));
    }

    private static IEnumerable<MethodInfo> TestMethods() =>
        Suite.GetTypes()
            .Where(t => t.IsDefined(typeof(TestClassAttribute)))
            .SelectMany(t => t.GetMethods())
            .Where(m => m.IsDefined(typeof(TestMethodAttribute)))
            .OrderBy(m => m.DeclaringType!.Name, StringComparer.Ordinal)
            .ThenBy(m => m.Name, StringComparer.Ordinal);
}
