using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Playwright;
using Portal.Localization;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>
/// A buyer whose connection drops for a minute: the framework's reconnect dialog says so in the buyer's language,
/// and when the network is back the buyer is on the same step with what they typed, on the same live circuit.
/// </summary>
public sealed class ReconnectJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly PortalAppFactory app = new();
    private TcpProxy proxy = null!;

    public Task InitializeAsync() { proxy = new TcpProxy(app.BaseAddress); return Task.CompletedTask; }

    public async Task DisposeAsync()
    {
        await proxy.DisposeAsync();
        await app.DisposeAsync();
    }

    private string Text(string key)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
        try { return app.Services.GetRequiredService<IStringLocalizer<SharedResources>>()[key]; }
        finally { CultureInfo.CurrentUICulture = previous; }
    }

    [Fact]
    public async Task ConnectionDropsForAMinute_ReconnectDialogInChinese_ThenSameStepWithTypedText()
    {
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = proxy.BaseAddress.ToString(), Locale = "en-US", ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        var page = await BuyerSteps.LandAtAccountAsync(context);
        // The buyer reads Chinese (the culture cookie the header's picker sets).
        await context.AddCookiesAsync([new Cookie { Name = ".AspNetCore.Culture", Value = "c=zh-CN|uic=zh-CN", Url = proxy.BaseAddress.ToString() }]);
        await page.ReloadAsync();
        await page.WaitForCircuitAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = Text("Account.RegisterTab") }).ClickAsync();
        var email = page.Locator("input[name=register-email]");
        await email.FillAsync("ada@example.com");

        proxy.Cut();
        var dialog = page.Locator("#components-reconnect-modal");
        await Assertions.Expect(dialog).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(dialog).ToContainTextAsync(new System.Text.RegularExpressions.Regex(
            $"{Text("Reconnect.Rejoining")}|{Text("Reconnect.Retrying").Split('{')[0]}"));
        await page.ShotAsync("90-reconnecting-zh");
        await Task.Delay(TimeSpan.FromSeconds(60)); // the outage: a minute without any connection
        Assert.True(proxy.Refused > 0, "The browser never tried to reconnect during the outage.");
        proxy.Restore();

        // Blazor retries on its own schedule (up to 30 s apart); bounded wait for it to come back.
        await Assertions.Expect(dialog).ToBeHiddenAsync(new() { Timeout = 90_000 });
        Assert.EndsWith("/onboarding/account", new Uri(page.Url).AbsolutePath);
        Assert.Equal("ada@example.com", await email.InputValueAsync());
        // The same circuit is live: typing still validates on the server.
        await email.FillAsync("not-an-email");
        await page.Locator("input[name=register-name]").FocusAsync();
        await Assertions.Expect(page.GetByText(Text("Validation.EmailInvalid")).First).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await page.ShotAsync("91-reconnected-zh");
    }
}
