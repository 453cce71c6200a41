using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>Debian's Chromium driven by Playwright (no browser download), headless, with the closed-network flags.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ScreenshotDir { get; } = Directory.CreateDirectory(RepoPaths.Combine("TestResults", "screenshots")).FullName;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), "Chromium is missing: ./test.sh installs Debian's chromium package.");
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
    }
}

public static class PageExtensions
{
    /// <summary>Waits until the Blazor circuit renders: before that, clicks on interactive components are lost.</summary>
    public static Task WaitForCircuitAsync(this IPage page) =>
        page.Locator("[data-circuit=on]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });

    /// <summary>
    /// Clicks a button that navigates and waits for the new URL. Under a loaded CI machine a click can land in the
    /// moment the circuit swaps the prerendered button for the live one and be lost: if after a generous wait the
    /// button is still there and idle (its name unchanged, so not busy), it is clicked again. A busy button means the
    /// click arrived and the server is still working: keep waiting.
    /// </summary>
    public static async Task ClickAndWaitForUrlAsync(this IPage page, ILocator button, string urlGlob)
    {
        for (var attempt = 1; ; attempt++)
        {
            await button.ClickAsync();
            try
            {
                await page.WaitForURLAsync(urlGlob, new PageWaitForURLOptions { Timeout = 30_000 });
                return;
            }
            catch (TimeoutException) when (attempt < 3)
            {
                if (await button.IsVisibleAsync()) continue;
                await page.WaitForURLAsync(urlGlob, new PageWaitForURLOptions { Timeout = 60_000 });
                return;
            }
        }
    }

    public static Task ShotAsync(this IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDir, name + ".png"), FullPage = true });
}
