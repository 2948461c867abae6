using System;

// The members of nanoFramework.TestFramework that the shared test sources use, with the same names and
// signatures, so those sources compile unchanged on the host. The API gate checks the sources against
// the real library's list.
namespace nanoFramework.TestFramework
{
    /// <summary>Marks a class that holds test methods.</summary>
    [AttributeUsage(AttributeTargets.Class)]
    public sealed class TestClassAttribute : Attribute
    {
    }

    /// <summary>Marks a test method.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class TestMethodAttribute : Attribute
    {
    }

    /// <summary>A failed assertion.</summary>
    internal sealed class AssertFailedException : Exception
    {
        public AssertFailedException(string message)
            : base(message)
        {
        }
    }

    /// <summary>Assertions, as nanoFramework.TestFramework spells them.</summary>
    public sealed class Assert
    {
        public static void IsTrue(bool condition, string message = "")
        {
            if (!condition)
            {
                Fail("Expected true", message);
            }
        }

        public static void IsFalse(bool condition, string message = "")
        {
            if (condition)
            {
                Fail("Expected false", message);
            }
        }

        public static void IsNull(object obj, string message = "")
        {
            if (obj != null)
            {
                Fail("Expected null, got " + obj, message);
            }
        }

        public static void IsNotNull(object obj, string message = "")
        {
            if (obj == null)
            {
                Fail("Expected a value, got null", message);
            }
        }

        public static void AreEqual(int expected, int actual, string message = "")
        {
            if (expected != actual)
            {
                Fail("Expected " + expected + ", got " + actual, message);
            }
        }

        public static void AreEqual(long expected, long actual, string message = "")
        {
            if (expected != actual)
            {
                Fail("Expected " + expected + ", got " + actual, message);
            }
        }

        public static void AreEqual(string expected, string actual, string message = "")
        {
            if (!string.Equals(expected, actual, StringComparison.Ordinal))
            {
                Fail("Expected '" + expected + "', got '" + actual + "'", message);
            }
        }

        public static void Contains(string expected, string actual, string message = "")
        {
            if (actual == null || expected == null || actual.IndexOf(expected, StringComparison.Ordinal) < 0)
            {
                Fail("Expected '" + actual + "' to contain '" + expected + "'", message);
            }
        }

        // Exact type, as nanoFramework.TestFramework 3.0.77 checks it: a derived exception fails there
        // ("Threw exception ArgumentException, but exception Exception was expected"), so it fails here.
        public static void ThrowsException(Type exceptionType, Action action, string message = "")
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                if (e.GetType() != exceptionType)
                {
                    Fail("Threw exception " + e.GetType().Name + ", but exception " + exceptionType.Name + " was expected: " + e.Message, message);
                }

                return;
            }

            Fail("Expected " + exceptionType.Name + ", nothing was thrown", message);
        }

        private static void Fail(string what, string message)
        {
            throw new AssertFailedException(message.Length == 0 ? what : what + " (" + message + ")");
        }
    }
}
