using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>
/// In Chromium: a customer who signed up directly (/signup: an organization and its workspace billed by the vendor)
/// later subscribes through AWS Marketplace in the same browser, is recognised ("Signed in as …"), and links the
/// organization it already has, binding the workspace it already has: no second organization, no new workspace.
/// </summary>
public sealed class SignUpThenLinkJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const string Email = "hana@harbor.example";
    private const string Account = "723456789012";
    private const string Site = "cn-northwest-1";
    private static readonly LocatorWaitForOptions Visible = new() { Timeout = 30_000 };
    private static readonly LocatorAssertionsToHaveTextOptions Text = new() { Timeout = 30_000 };
    private readonly PortalAppFactory app = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Direct_sign_up_then_a_marketplace_subscription_links_that_organization_and_binds_its_workspace()
    {
        var page = await (await browser.Browser.NewContextAsync(app)).NewPageAsync();

        // 1. Sign up on the vendor's own path: account, code, organization and workspace.
        await page.GotoAsync("signup");
        await page.WaitForCircuitAsync();
        await page.Locator("input[name=register-name]").FillAsync("Hana Harbor");
        await page.Locator("input[name=register-email]").FillAsync(Email);
        await page.Locator("input[name=register-password]").FillAsync("Str0ng!Passw0rd");
        await page.Locator("input[name=register-confirm]").FillAsync("Str0ng!Passw0rd");
        await page.Locator("input[name=register-terms]").CheckAsync();
        await page.Locator("#register-submit").ClickAsync();
        await page.Locator("input[name=verify-code]").WaitForAsync(Visible);
        await page.Locator("input[name=verify-code]").FillAsync(await BuyerSteps.LatestCodeAsync(app, Email));
        await page.Locator("#verify-submit").ClickAsync();
        await page.Locator("input[name=signup-org-name]").WaitForAsync(Visible);
        await page.Locator("input[name=signup-org-name]").FillAsync("Harbor Foods");
        await page.Locator("input[name=signup-ws-name]").FillAsync("Harbor Kitchen");
        await WizardSteps.PickAsync(page, "signup-site", "China 2 (Ningxia)");
        await WizardSteps.PickAsync(page, "signup-language", "日本語");
        await page.ClickAndWaitForUrlAsync(page.Locator("#signup-create"), "**/workspaces/*");
        Guid organizationId, workspaceId;
        await using (var db = app.CreateDbContext())
        {
            var org = await db.Organizations.Include(o => o.Workspaces).SingleAsync();
            (organizationId, workspaceId) = (org.Id, Assert.Single(org.Workspaces).Id);
            Assert.False(await db.Subscriptions.AnyAsync());
        }

        // 2. Later, AWS Marketplace: subscribe and set up the account, in the same (signed-in) browser.
        await page.GotoAsync("dev/marketplace");
        await page.WaitForCircuitAsync();
        await page.Locator("input[name=account]").FillAsync(Account);
        await page.Locator("#subscribe").ClickAsync();
        await page.ClickAndWaitForUrlAsync(page.Locator("#setup-account"), "**/onboarding");
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#signed-in-as")).ToContainTextAsync(Email, new() { Timeout = 30_000 });
        await page.ShotAsync("signup-then-link-start");
        await page.Locator("#start-continue").ClickAsync();
        await page.WaitForURLAsync("**/onboarding/site", new() { Timeout = 30_000 });
        await page.WaitForCircuitAsync();

        await page.Locator($"label:has(input[name=site][value={Site}])").ClickAsync();
        await WizardSteps.NextAsync(page, "/onboarding/organization");
        // The organization from sign-up is choosable (its admin, billed by the vendor, not by another subscription).
        await page.Locator("label:has(input[name=org-mode][value=Existing])").ClickAsync();
        var organization = page.Locator($"label:has(input[name=org-existing][value='{organizationId}'])");
        await Assertions.Expect(organization.Locator("input")).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await organization.ClickAsync();
        await Assertions.Expect(organization.Locator("input")).ToBeCheckedAsync(new() { Timeout = 30_000 });
        await WizardSteps.NextAsync(page, "/onboarding/workspace");

        await page.Locator("label:has(input[name=ws-mode][value=Existing])").ClickAsync();
        var workspace = page.Locator($"label:has(input[name=ws-existing][value='{workspaceId}'])");
        await workspace.ClickAsync();
        await Assertions.Expect(workspace.Locator("input")).ToBeCheckedAsync(new() { Timeout = 30_000 });
        await page.Locator("#step-submit").ClickAsync();
        await page.Locator("#bind-confirm").WaitForAsync(Visible);
        await page.ClickAndWaitForUrlAsync(page.Locator("#bind-confirm"), "**/onboarding/review");
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#review-workspace-mode")).ToHaveTextAsync("Will be bound", Text);
        await page.ShotAsync("signup-then-link-review");
        await WizardSteps.NextAsync(page, "/onboarding/linked");
        await page.Locator("#linked-confirmation").WaitForAsync(Visible);
        await Assertions.Expect(page.Locator("#linked-confirmation")).ToContainTextAsync("Harbor Foods", new() { Timeout = 30_000 });

        // 3. Its home: the bound workspace is marked, Billing names AWS.
        await page.ClickAndWaitForUrlAsync(page.Locator("#go-organization"), $"**/organizations/{organizationId}");
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#workspace-list li", new() { HasText = "Harbor Kitchen" }).Locator(".workspace-bound"))
            .ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.ShotAsync("signup-then-link-home");

        await using var after = app.CreateDbContext();
        var subscription = await after.Subscriptions.SingleAsync();
        Assert.Equal((organizationId, Account), (subscription.OrganizationId, subscription.CustomerAwsAccountId));
        Assert.Equal(organizationId, (await after.Organizations.SingleAsync()).Id); // no second organization
        var bound = await after.Workspaces.SingleAsync(); // no new workspace
        Assert.Equal((workspaceId, subscription.Id), (bound.Id, bound.LinkedSubscriptionId));
        var member = await after.OrganizationMembers.SingleAsync();
        Assert.Equal(OrganizationRole.Admin, member.Role);
        Assert.Equal(1, await after.Users.CountAsync());
    }
}
