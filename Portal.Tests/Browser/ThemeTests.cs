using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>The brand theme's look: dark mode follows the buyer's system setting, buttons are in sentence case.</summary>
public sealed class ThemeTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly PortalAppFactory app = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<IPage> OpenAsync(ColorScheme scheme)
    {
        var context = await browser.Browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), ColorScheme = scheme, Locale = "en-US" });
        var page = await context.NewPageAsync();
        await page.GotoAsync("does-not-exist");
        await page.WaitForCircuitAsync();
        return page;
    }

    private static Task<string> BodyBackgroundAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");

    [Fact]
    public async Task DarkSystemSetting_ShowsTheDarkPalette_LightShowsTheLight()
    {
        var dark = await OpenAsync(ColorScheme.Dark);
        var light = await OpenAsync(ColorScheme.Light);

        await Assertions.Expect(dark.Locator("body")).ToHaveCSSAsync("background-color", "rgb(18, 20, 24)", new() { Timeout = 15_000 });
        await dark.ShotAsync("theme-dark-not-found");
        Assert.Equal("rgb(244, 245, 247)", await BodyBackgroundAsync(light));
    }

    [Fact]
    public async Task Buttons_AreSentenceCase_AndTheNotFoundPageOffersAWayBack()
    {
        var page = await OpenAsync(ColorScheme.Light);

        var home = page.GetByRole(AriaRole.Link, new() { Name = "Go to the start page" });
        await Assertions.Expect(home).ToBeVisibleAsync();
        Assert.Equal("none", await home.EvaluateAsync<string>("e => getComputedStyle(e).textTransform"));
        Assert.Equal("Go to the start page", (await home.InnerTextAsync()).Trim());
        Assert.Contains("Testbrand", await page.Locator(".portal-brand").InnerTextAsync()); // the portal's header, not a bare page
    }
}
