using System.Runtime.CompilerServices;

namespace Portal.Tests.Infrastructure;

internal static class TestDefaults
{
    /// <summary>
    /// bUnit waits 1 s by default for a render. The component tests render against a real SQLite file or PostgreSQL
    /// server on a 2-core machine that also runs Chromium; under that load a correct render can take longer, which
    /// failed tests that were right. A longer bound changes nothing for a passing test.
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize() => Bunit.BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(10);
}
