using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>The strict policy does not break the app: Chromium reports no violation while the circuit and MudBlazor work.</summary>
public sealed class ContentSecurityPolicyBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly PortalAppFactory app = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Simulator_landing_and_account_step_run_with_no_policy_violation()
    {
        await using var context = await browser.Browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString() });
        var violations = new List<string>();
        context.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Add(m.Text); };
        var page = await BuyerSteps.LandAtAccountAsync(context);
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Add(m.Text); };

        // MudBlazor widgets and the circuit: switch tabs and type into a validated field.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Create account" }).ClickAsync();
        await page.Locator("input[name=register-email]").FillAsync("not-an-email");
        await page.Locator("input[name=register-name]").FocusAsync();
        await page.Locator("text=valid e-mail").First.WaitForAsync(new() { Timeout = 30_000 });
        await page.ShotAsync("csp-account-step");

        Assert.Empty(violations);
    }
}
