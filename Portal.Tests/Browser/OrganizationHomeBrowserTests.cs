using Microsoft.Playwright;
using Portal.Organizations;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration.Admin;

namespace Portal.Tests.Browser;

/// <summary>The buyer's home in Chromium: the header's switcher moves between two organizations, "Your account" lists them.</summary>
public sealed class OrganizationHomeBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly PortalAppFactory app = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task The_switcher_moves_between_two_organizations_and_your_account_lists_both()
    {
        var user = await AdminTestData.CreateUserAsync(app, "two.orgs@example.com");
        Guid first, second;
        await using (var db = app.CreateDbContext())
        {
            var a = new Organization { Name = "Alpha Works", CreatedAt = DateTimeOffset.UtcNow };
            a.Members.Add(new OrganizationMember { UserId = user.Id, Role = OrganizationRole.Admin, JoinedAt = DateTimeOffset.UtcNow });
            a.Workspaces.Add(new Workspace { Name = "Alpha Production", Language = "en", Site = "us-west-2", CreatedAt = DateTimeOffset.UtcNow });
            var b = new Organization { Name = "Beta Labs", CreatedAt = DateTimeOffset.UtcNow };
            b.Members.Add(new OrganizationMember { UserId = user.Id, Role = OrganizationRole.Member, JoinedAt = DateTimeOffset.UtcNow });
            b.Workspaces.Add(new Workspace { Name = "Beta Sandbox", Language = "en", Site = "us-west-2", CreatedAt = DateTimeOffset.UtcNow });
            db.Organizations.AddRange(a, b);
            await db.SaveChangesAsync();
            (first, second) = (a.Id, b.Id);
        }
        var page = await (await browser.Browser.NewContextAsync(app)).NewPageAsync();
        await page.GotoAsync($"account/signin?returnUrl=%2Forganizations%2F{first}");
        await page.WaitForCircuitAsync();
        await page.Locator("input[name=signin-email]").FillAsync("two.orgs@example.com");
        await page.Locator("input[name=signin-password]").FillAsync(AdminTestData.Password);
        await page.ClickAndWaitForUrlAsync(page.Locator("#signin-submit"), $"**/organizations/{first}");
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Alpha Works", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#org-switcher button")).ToContainTextAsync("Alpha Works", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#workspace-list")).ToContainTextAsync("Alpha Production", new() { Timeout = 30_000 });

        await page.Locator("#org-switcher button").ClickAsync();
        var item = page.Locator(".mud-popover-open .mud-menu-item", new() { HasText = "Beta Labs" });
        await item.WaitForAsync(new() { Timeout = 30_000 });
        await page.ShotAsync("35-organization-switcher");
        await item.ClickAsync();
        await page.WaitForURLAsync($"**/organizations/{second}", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Beta Labs", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#org-switcher button")).ToContainTextAsync("Beta Labs", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#workspace-list")).ToContainTextAsync("Beta Sandbox", new() { Timeout = 30_000 });
        // A member sees no billing and no API keys section.
        await Assertions.Expect(page.Locator("#tab-billing")).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#org-role")).ToHaveTextAsync("Member", new() { Timeout = 30_000 });

        await page.Locator("#header-account").ClickAsync();
        await page.WaitForURLAsync("**/account", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#organization-list")).ToContainTextAsync("Alpha Works", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#organization-list")).ToContainTextAsync("Beta Labs", new() { Timeout = 30_000 });
        await page.ShotAsync("36-your-account");
    }
}
