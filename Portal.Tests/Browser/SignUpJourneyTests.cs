using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>
/// In Chromium, in each language: /signup registers (terms, e-mail code), then creates an organization and its
/// first workspace billed by the vendor, signs the browser in and opens the workspace; axe is clean at every phase.
/// </summary>
public sealed class SignUpJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private static readonly LocatorWaitForOptions Visible = new() { Timeout = 30_000 };
    private readonly PortalAppFactory app = new();
    private readonly Axe axe = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await app.DisposeAsync();

    [Theory]
    [InlineData("en", "China 2 (Ningxia)")]
    [InlineData("zh-CN", "中国区2（宁夏）")]
    [InlineData("ja", "China 2 (Ningxia)")]
    public async Task SignUp_RegisterVerifyCreate_UserIsAdminOfANewOrganizationWithItsWorkspace(string culture, string site)
    {
        var email = $"founder-{culture}@example.com";
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 800 }, Locale = culture,
        });
        await context.AddCookiesAsync([new Cookie { Name = ".AspNetCore.Culture", Value = $"c={culture}|uic={culture}", Url = app.BaseAddress.ToString() }]);
        var csp = await CspWatch.AttachAsync(context);
        var page = await context.NewPageAsync();

        await page.GotoAsync("signup");
        await page.WaitForCircuitAsync();
        await CheckAsync(page, $"signup-register-{culture}");
        await page.Locator("input[name=register-name]").FillAsync("Fay Founder");
        await page.Locator("input[name=register-email]").FillAsync(email);
        await page.Locator("input[name=register-password]").FillAsync("Str0ng!Passw0rd");
        await page.Locator("input[name=register-confirm]").FillAsync("Str0ng!Passw0rd");
        await page.Locator("input[name=register-terms]").CheckAsync();
        await page.Locator("#register-submit").ClickAsync();

        await page.Locator("input[name=verify-code]").WaitForAsync(Visible);
        await CheckAsync(page, $"signup-verify-{culture}");
        await page.Locator("input[name=verify-code]").FillAsync(await BuyerSteps.LatestCodeAsync(app, email));
        await page.Locator("#verify-submit").ClickAsync();

        await page.Locator("input[name=signup-org-name]").WaitForAsync(Visible);
        await CheckAsync(page, $"signup-organization-{culture}");
        // An empty submit: each name says what is missing, in this language, and nothing is created.
        await page.Locator("#signup-create").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-input-helper-text.mud-input-error")).ToHaveCountAsync(2, new() { Timeout = 30_000 });
        await CheckAsync(page, $"signup-organization-errors-{culture}");
        await using (var before = app.CreateDbContext()) Assert.False(await before.Organizations.AnyAsync());
        await page.Locator("input[name=signup-org-name]").FillAsync("Fay Foods");
        await page.Locator("input[name=signup-ws-name]").FillAsync("Fay Kitchen");
        await WizardSteps.PickAsync(page, "signup-site", site);
        await WizardSteps.PickAsync(page, "signup-language", "日本語");
        await page.ClickAndWaitForUrlAsync(page.Locator("#signup-create"), "**/workspaces/*");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("Fay Kitchen", new() { Timeout = 30_000 });
        await page.ShotAsync($"signup-done-{culture}");

        await using var db = app.CreateDbContext();
        var user = await db.Users.SingleAsync(u => u.Email == email);
        Assert.True(user.EmailConfirmed);
        Assert.NotNull(user.TermsAcceptedAt);
        var org = await db.Organizations.Include(o => o.Members).Include(o => o.Workspaces).SingleAsync(o => o.Name == "Fay Foods");
        Assert.Equal((user.Id, OrganizationRole.Admin), (Assert.Single(org.Members).UserId, org.Members[0].Role));
        Assert.Equal(("Fay Kitchen", "cn-northwest-1", "ja"), (Assert.Single(org.Workspaces).Name, org.Workspaces[0].Site, org.Workspaces[0].Language));
        Assert.False(await db.Subscriptions.AnyAsync(s => s.OrganizationId == org.Id)); // billed by the vendor directly
        Assert.True(csp.Violations.Count == 0, string.Join("\n", csp.Violations));
        Assert.True(!axe.Blocking.Any(), string.Join("\n", axe.Blocking.Select(b => $"{b.Page}: {b.Violation.Id} {b.Violation.Help} {string.Join(", ", b.Violation.Targets)}")));
    }

    private async Task CheckAsync(IPage page, string name)
    {
        await page.Locator("h1").First.WaitForAsync(Visible);
        await page.ShotAsync(name);
        await axe.CheckAsync(page, name);
    }
}
