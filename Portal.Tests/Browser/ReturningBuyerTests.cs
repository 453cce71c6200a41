using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Accounts;
using Portal.Onboarding;
using Portal.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>An existing user and organization, verification by link, and resuming after the portal restarts.</summary>
public sealed class ReturningBuyerTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static Task<IPage> LandAsync(IBrowserContext context) => BuyerSteps.LandAtAccountAsync(context);

    private static Task RegisterAsync(IPage page, string email) => BuyerSteps.RegisterAsync(page, email);

    [Fact]
    public async Task ExistingUser_ExistingOrganizationAndWorkspace_SignsInBindsAndLinks()
    {
        await using var app = new PortalAppFactory();
        string userId;
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = "old@example.com", Email = "old@example.com", EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow.AddYears(-1) };
            Assert.True((await users.CreateAsync(user, "Str0ng!Passw0rd")).Succeeded);
            userId = user.Id;
        }
        await using (var db = app.CreateDbContext())
        {
            var org = new Organization { Name = "Old Org", CreatedAt = DateTimeOffset.UtcNow };
            org.Members.Add(new OrganizationMember { UserId = userId, Role = OrganizationRole.Admin, JoinedAt = DateTimeOffset.UtcNow });
            org.Workspaces.Add(new Workspace { Name = "Existing WS", Language = "en", Site = "us-west-2", CreatedAt = DateTimeOffset.UtcNow });
            db.Organizations.Add(org);
            await db.SaveChangesAsync();
        }
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseAddress.ToString(), Locale = "en-US" });
        var page = await LandAsync(context);

        await page.Locator("input[name=signin-email]").FillAsync("old@example.com");
        await page.Locator("input[name=signin-password]").FillAsync("Str0ng!Passw0rd");
        await page.Locator("#signin-submit").ClickAsync();
        await page.WaitForURLAsync("**/onboarding/site");
        await page.WaitForCircuitAsync();
        await page.GetByText("Overseas 1 (Oregon)").ClickAsync();
        await page.Locator("#step-submit").ClickAsync();
        await page.WaitForURLAsync("**/onboarding/organization");
        await page.WaitForCircuitAsync();
        await page.GetByText("Use an organization I already have").ClickAsync();
        await page.GetByText("Old Org").ClickAsync();
        await page.ShotAsync("20-organization-existing");
        await page.Locator("#step-submit").ClickAsync();
        await page.WaitForURLAsync("**/onboarding/workspace");
        await page.WaitForCircuitAsync();
        await page.GetByText("Bind an existing workspace").ClickAsync();
        await page.GetByText("Existing WS").ClickAsync();
        await page.Locator("#step-submit").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await dialog.WaitForAsync(new() { Timeout = 30_000 });
        await page.ShotAsync("21-workspace-bind-confirm");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Bind workspace" }).ClickAsync();
        await page.WaitForURLAsync("**/onboarding/review");
        await page.WaitForCircuitAsync();
        await page.ClickAndWaitForUrlAsync(page.Locator("#step-submit"), "**/onboarding/linked");

        await using var check = app.CreateDbContext();
        var org2 = await check.Organizations.SingleAsync();
        Assert.Equal(org2.Id, (await check.Subscriptions.SingleAsync()).OrganizationId);
        Assert.Equal(1, await check.Workspaces.CountAsync());
    }

    [Fact]
    public async Task Register_VerifyByLinkInSameBrowser_ContinuesSignedIn()
    {
        await using var app = new PortalAppFactory();
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseAddress.ToString(), Locale = "en-US" });
        var page = await LandAsync(context);
        await RegisterAsync(page, "link@example.com");

        string link;
        await using (var db = app.CreateDbContext())
            link = Regex.Match((await db.EmailMessages.SingleAsync()).TextBody, @"http\S+/account/verify\?token=\S+").Value;
        var mailTab = await context.NewPageAsync();
        await mailTab.GotoAsync(link);

        await mailTab.WaitForURLAsync("**/onboarding/business");
        await using var check = app.CreateDbContext();
        Assert.True((await check.Users.SingleAsync()).EmailConfirmed);
        Assert.Equal(OnboardingStep.BusinessInfo, (await check.OnboardingSessions.SingleAsync()).Step);
    }

    [Fact]
    public async Task PortalRestarts_MidWizard_BuyerResumesAtSameStep()
    {
        var shared = Directory.CreateTempSubdirectory("portal-restart-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Portal"] = $"Data Source={Path.Combine(shared, "portal.db")}",
            ["DataProtection:KeysPath"] = Path.Combine(shared, "keys"),
        };
        IBrowserContext context;
        await using (var first = new PortalAppFactory(settings))
        {
            context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = first.BaseAddress.ToString(), Locale = "en-US" });
            await RegisterAsync(await LandAsync(context), "restart@example.com");
        }

        await using var second = new PortalAppFactory(settings); // a new process's worth of services over the same database
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(second.BaseAddress, "onboarding").ToString());

        await page.WaitForURLAsync("**/onboarding/verify-email");
        await page.Locator("h1", new() { HasText = "Check your e-mail" }).WaitForAsync(new() { Timeout = 30_000 });
    }
}

/// <summary>Signed-in buyers skip the account step, and signing in on a second device continues the first one's session.</summary>
public sealed class SignedInBuyerTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static async Task<IPage> RegisterAndVerifyAsync(IBrowserContext context, PortalAppFactory app, string email, string account)
    {
        var page = await BuyerSteps.LandAtAccountAsync(context, account);
        await BuyerSteps.RegisterAsync(page, email);
        await page.Locator("input[name=verify-code]").FillAsync(await BuyerSteps.LatestCodeAsync(app, email));
        await page.Locator("#verify-submit").ClickAsync();
        await page.WaitForURLAsync("**/onboarding/business");
        return page;
    }

    [Fact]
    public async Task AlreadySignedIn_NewSubscription_SkipsAccountStep()
    {
        await using var app = new PortalAppFactory();
        var context = await browser.Browser.NewContextAsync(app);
        await RegisterAndVerifyAsync(context, app, "skip@example.com", "444444444444");

        var page = await BuyerSteps.LandAtAccountAsync(context, "555555555555", expectedPath: "/onboarding/site");

        await page.Locator("h1").WaitForAsync(new() { Timeout = 30_000 });
        await using var db = app.CreateDbContext();
        Assert.Equal(2, await db.OnboardingSessions.CountAsync(s => s.UserId != null));
    }

    [Fact]
    public async Task SecondDevice_SignsIn_ContinuesFirstDevicesSession()
    {
        await using var app = new PortalAppFactory();
        await RegisterAndVerifyAsync(await browser.Browser.NewContextAsync(app), app, "two@example.com", "666666666666");

        var other = await BuyerSteps.LandAtAccountAsync(await browser.Browser.NewContextAsync(app), "666666666666");
        await other.Locator("input[name=signin-email]").FillAsync("two@example.com");
        await other.Locator("input[name=signin-password]").FillAsync("Str0ng!Passw0rd");
        await other.Locator("#signin-submit").ClickAsync();

        await other.WaitForURLAsync("**/onboarding/business");
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.Subscriptions.CountAsync());
    }
}
