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
    /// button is still there and idle (enabled, so not busy), it is clicked again, at most three times. A busy or
    /// vanished button means the click arrived and the server is still working: keep waiting. Every wait is bounded,
    /// and a stall fails with what the page showed (URL, the button's state, the page's text and a screenshot).
    /// </summary>
    public static async Task ClickAndWaitForUrlAsync(this IPage page, ILocator button, string urlGlob)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await button.ClickAsync(new LocatorClickOptions { Timeout = 30_000 });
            }
            catch (TimeoutException e)
            {
                if (await ReachedAsync(page, urlGlob)) return; // an earlier click navigated while this one waited
                throw await StallAsync(page, button, urlGlob, $"click {attempt} could not press the button", e);
            }
            if (await ReachedAsync(page, urlGlob, 30_000)) return;
            if (attempt < 3 && await IsIdleAsync(button)) continue;
            if (attempt < 3 && await ReachedAsync(page, urlGlob, 60_000)) return;
            throw await StallAsync(page, button, urlGlob, $"{attempt} click(s) did not navigate", null);
        }
    }

    private static async Task<bool> ReachedAsync(IPage page, string urlGlob, float timeout = 1_000)
    {
        try
        {
            await page.WaitForURLAsync(urlGlob, new PageWaitForURLOptions { Timeout = timeout });
            return true;
        }
        catch (TimeoutException) { return false; }
    }

    private static async Task<bool> IsIdleAsync(ILocator button)
    {
        try { return await button.IsVisibleAsync() && await button.IsEnabledAsync(new LocatorIsEnabledOptions { Timeout = 2_000 }); }
        catch (PlaywrightException) { return false; } // gone between the two questions: not idle
    }

    /// <summary>A timeout that says what the buyer would have seen, so a CI excerpt alone tells which step stalled and why.</summary>
    public static async Task<TimeoutException> StallAsync(IPage page, ILocator button, string urlGlob, string what, Exception? inner)
    {
        var shot = $"stall-{DateTime.UtcNow:HHmmss-fff}";
        string state, text;
        try
        {
            state = await button.CountAsync() == 0 ? "missing"
                : await button.First.IsEnabledAsync(new LocatorIsEnabledOptions { Timeout = 2_000 }) ? "enabled: \"" + (await button.First.InnerTextAsync(new() { Timeout = 2_000 })).Trim() + "\""
                : "disabled: \"" + (await button.First.InnerTextAsync(new() { Timeout = 2_000 })).Trim() + "\"";
            text = (await page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 })).ReplaceLineEndings(" | ");
            await page.ShotAsync(shot);
        }
        catch (PlaywrightException e) { state = "unknown"; text = "(the page could not be read: " + e.Message.Split('\n')[0] + ")"; }
        if (text.Length > 1_200) text = text[..1_200] + "…";
        return new TimeoutException(
            $"Waited for {urlGlob}: {what}. Page at {page.Url}; the button is {state}. Page text: {text} (screenshot {shot}.png)", inner);
    }

    public static Task ShotAsync(this IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDir, name + ".png"), FullPage = true });
}
