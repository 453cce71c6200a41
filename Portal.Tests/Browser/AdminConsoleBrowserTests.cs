using Microsoft.Playwright;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration.Admin;

namespace Portal.Tests.Browser;

/// <summary>The vendor console in Chromium: a configured admin signs in at /account/signin and lands on the console.</summary>
public sealed class AdminConsoleBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly PortalAppFactory app = new(new Dictionary<string, string?> { ["Admin:Emails:0"] = "owner@example.com" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Admin_SignsInFromConsoleLink_SeesFunnelChartAndSubscription()
    {
        // A buyer subscribes and lands: one subscription, one "landed" in the funnel.
        var buyer = await BuyerSteps.LandAtAccountAsync(await browser.Browser.NewContextAsync(app));
        await buyer.Context.CloseAsync();
        await AdminTestData.CreateUserAsync(app, "owner@example.com");
        var page = await (await browser.Browser.NewContextAsync(app)).NewPageAsync();

        await page.GotoAsync("admin");
        await page.WaitForURLAsync("**/account/signin?returnUrl=%2Fadmin");
        await page.WaitForCircuitAsync();
        var axe = new Axe();
        await axe.CheckAsync(page, "sign-in page");
        await page.Locator("input[name=signin-email]").FillAsync("owner@example.com");
        await page.Locator("input[name=signin-password]").FillAsync(AdminTestData.Password);
        await page.ClickAndWaitForUrlAsync(page.Locator("#signin-submit"), "**/admin");
        await page.WaitForCircuitAsync();

        await page.Locator(".admin-funnel-chart svg").WaitForAsync();
        await page.Locator("#subscriptions-grid tbody tr a").First.WaitForAsync();
        await page.ShotAsync("20-admin-console");
        await axe.CheckAsync(page, "vendor console");
        Assert.Equal("Vendor console", (await page.Locator("h1").InnerTextAsync()).Trim());
        Assert.Contains("1", await page.Locator("#funnel-table tr[data-stage=Landed] td").First.InnerTextAsync());
        Assert.Equal("Test Analytics", (await page.Locator("#subscriptions-grid tbody tr a").First.InnerTextAsync()).Trim());
        Assert.True(await page.GetByRole(AriaRole.Link, new() { Name = "Console" }).IsVisibleAsync());

        await page.Locator("#subscriptions-grid tbody tr a").First.ClickAsync();
        await page.WaitForURLAsync("**/admin/subscriptions/**");
        await page.Locator("#audit-grid").GetByText("subscription.registered").WaitForAsync();
        await page.ShotAsync("20-admin-subscription");
        await axe.CheckAsync(page, "vendor console: subscription");
        axe.WriteReport("axe-results-admin.md");
        Assert.Empty(axe.Blocking.Select(b => $"{b.Page}: {b.Violation.Id} {string.Join(", ", b.Violation.Targets.Take(3))}"));
    }
}
