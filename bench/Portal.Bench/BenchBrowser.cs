using Microsoft.Playwright;

namespace Portal.Bench;

/// <summary>Debian's Chromium, headless, as the tests launch it.</summary>
public static class BenchBrowser
{
    public static BrowserTypeLaunchOptions Options => new()
    {
        ExecutablePath = "/usr/bin/chromium", Headless = true, Timeout = 60_000,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    };
}
