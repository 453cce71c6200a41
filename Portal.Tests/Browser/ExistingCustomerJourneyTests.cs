using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Portal.Accounts;
using Portal.Onboarding;
using Portal.Provisioning;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>
/// The "done when", in Chromium: a customer the vendor already had (brought in over the provisioning API with
/// a vendor key, as the vendor's product would) subscribes on /dev/marketplace, signs in without registering, links
/// its own organization and binds its workspace on the chosen site; then comes back and is told it is linked.
/// </summary>
public sealed class ExistingCustomerJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const string Email = "dana@fabrikam.example";
    private const string Password = "Fabrikam!2026";
    private const string Account = "712345678901";
    private static readonly LocatorWaitForOptions Visible = new() { Timeout = 30_000 };
    private readonly PortalAppFactory app = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await app.DisposeAsync();

    private sealed record Provisioned(Guid OrganizationId, Guid HereWorkspaceId, Guid OtherWorkspaceId, string HereSite);

    [Theory]
    [InlineData("en", "Will be bound")]
    [InlineData("zh-CN", "将被绑定")]
    public async Task Provisioned_customer_signs_in_links_its_organization_and_binds_its_workspace(string culture, string willBeBound)
    {
        var customer = await ProvisionAsync();
        var page = await LinkAsync(customer, culture, willBeBound, shots: culture == "en" ? "" : $"-{culture}");

        // The home after the link: the bound workspace is marked, and Billing shows the subscription.
        await page.ClickAndWaitForUrlAsync(page.Locator("#go-organization"), $"**/organizations/{customer.OrganizationId}");
        await page.WaitForCircuitAsync();
        var bound = page.Locator("#workspace-list li", new() { HasText = "Fabrikam Oregon" });
        await Assertions.Expect(bound.Locator(".workspace-bound")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#workspace-list li", new() { HasText = "Fabrikam Ningxia" }).Locator(".workspace-bound"))
            .ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await page.ShotAsync($"47-existing-home{Suffix(culture)}");
        await page.ClickAndWaitForUrlAsync(page.Locator("#tab-billing"), $"**/organizations/{customer.OrganizationId}/billing");
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#billing-banner")).ToHaveAttributeAsync("data-state", "Pending", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator(".portal-facts")).ToContainTextAsync("Test Analytics", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator(".portal-facts .billing-status-chip")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.ShotAsync($"48-existing-billing{Suffix(culture)}");

        await using var db = app.CreateDbContext();
        var organization = await db.Organizations.SingleAsync();
        Assert.Equal(customer.OrganizationId, organization.Id);
        Assert.Equal("fabrikam-42", organization.ExternalId);
        var subscription = await db.Subscriptions.SingleAsync();
        Assert.Equal(organization.Id, subscription.OrganizationId);
        Assert.Equal(Account, subscription.CustomerAwsAccountId);
        var workspaces = await db.Workspaces.ToListAsync();
        // No new workspace: exactly the two the vendor provisioned.
        Assert.Equal(new[] { customer.HereWorkspaceId, customer.OtherWorkspaceId }.Order(), workspaces.Select(w => w.Id).Order());
        Assert.Equal(subscription.Id, workspaces.Single(w => w.Id == customer.HereWorkspaceId).LinkedSubscriptionId);
        Assert.Null(workspaces.Single(w => w.Id == customer.OtherWorkspaceId).LinkedSubscriptionId);
        Assert.Equal(1, await db.Users.CountAsync()); // signed in: nobody registered
    }

    [Fact]
    public async Task Returning_buyer_sets_up_the_same_subscription_again_and_is_sent_to_its_organization()
    {
        var customer = await ProvisionAsync();
        var page = await LinkAsync(customer, "en", "Will be bound", shots: null);

        // AWS's button again in the same browser: a new token for the same account and product. Nothing starts
        // again; the browser's own onboarding is the finished one, and it says so.
        await SetUpAgainAsync(page, "**/onboarding/linked");
        await Assertions.Expect(page.Locator("#linked-confirmation")).ToContainTextAsync("Fabrikam Foods", new() { Timeout = 30_000 });

        // Later, on another device: the portal knows the subscription is linked but names the organization only to
        // its members, so it asks to sign in first, then names it and opens it.
        var other = await (await browser.Browser.NewContextAsync(app)).NewPageAsync();
        await SetUpAgainAsync(other, "**/onboarding");
        var card = other.Locator("#already-linked");
        await card.WaitForAsync(Visible);
        await Assertions.Expect(card).Not.ToContainTextAsync("Fabrikam Foods", new() { Timeout = 30_000 });
        await other.ShotAsync("49-existing-returning-signed-out");
        await other.ClickAndWaitForUrlAsync(other.Locator("#returning-signin"), "**/account/signin**");
        await other.WaitForCircuitAsync();
        await other.Locator("input[name=signin-email]").FillAsync(Email);
        await other.Locator("input[name=signin-password]").FillAsync(Password);
        // A real sign-in page load (the button leaves the circuit): the first attempt succeeds, no "took too long".
        await other.ClickAndWaitForUrlAsync(other.Locator("#signin-submit"), "**/onboarding");
        await other.WaitForCircuitAsync();
        var open = other.Locator("#open-organization");
        await Assertions.Expect(open).ToHaveTextAsync("Open Fabrikam Foods", new() { Timeout = 30_000 });
        await Assertions.Expect(other.Locator("#already-linked")).ToContainTextAsync("Fabrikam Foods", new() { Timeout = 30_000 });
        await other.ShotAsync("49-existing-returning");
        await other.ClickAndWaitForUrlAsync(open, $"**/organizations/{customer.OrganizationId}");
        await Assertions.Expect(other.Locator("h1")).ToHaveTextAsync("Fabrikam Foods", new() { Timeout = 30_000 });

        await using var db = app.CreateDbContext();
        Assert.Equal(customer.OrganizationId, (await db.Subscriptions.SingleAsync()).OrganizationId);
        Assert.Equal(customer.OrganizationId, (await db.Organizations.SingleAsync()).Id);
    }

    private static async Task SetUpAgainAsync(IPage page, string expectedUrl)
    {
        await page.GotoAsync("dev/marketplace");
        await page.WaitForCircuitAsync();
        await page.Locator("input[name=account]").FillAsync(Account);
        await page.Locator("#subscribe").ClickAsync();
        await page.ClickAndWaitForUrlAsync(page.Locator("#setup-account"), expectedUrl);
        await page.WaitForCircuitAsync();
    }

    private static string Suffix(string culture) => culture == "en" ? "" : $"-{culture}";

    /// <summary>
    /// The vendor's product brings in Fabrikam over HTTP with a key from the console's service: the organization, its
    /// admin and a workspace on each configured site. The admin then gets a password the way the development seed
    /// gives one (as if the person had signed up on the vendor's site).
    /// </summary>
    private async Task<Provisioned> ProvisionAsync()
    {
        var key = (await app.Services.GetRequiredService<VendorApiKeyService>().CreateAsync("crm sync", "vendor-admin")).PlainKey;
        var sites = app.Services.GetRequiredService<IOptions<OnboardingOptions>>().Value.Sites;
        Assert.True(sites.Count >= 2, "The journey needs two sites.");
        using var http = app.CreateBrowser();
        http.DefaultRequestHeaders.Authorization = new("Bearer", key);

        async Task<T> PutAsync<T>(string path, object body)
        {
            var response = await http.PutAsJsonAsync(path, body);
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"PUT {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return (await response.Content.ReadFromJsonAsync<T>())!;
        }

        var org = await PutAsync<OrganizationView>("/api/v1/organizations/fabrikam-42", new { name = "Fabrikam Foods" });
        var member = await PutAsync<MemberView>($"/api/v1/organizations/fabrikam-42/members/{Email}", new { role = "Admin", name = "Dana Diaz" });
        Assert.False(member.Claimed);
        var here = await PutAsync<WorkspaceView>("/api/v1/organizations/fabrikam-42/workspaces/fab-oregon",
            new { name = "Fabrikam Oregon", site = sites[0].Id, language = "en" });
        var other = await PutAsync<WorkspaceView>("/api/v1/organizations/fabrikam-42/workspaces/fab-ningxia",
            new { name = "Fabrikam Ningxia", site = sites[1].Id, language = "zh-CN" });

        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = (await users.FindByEmailAsync(Email))!;
        user.EmailConfirmed = true;
        (user.TermsVersion, user.TermsAcceptedAt) = (scope.ServiceProvider.GetRequiredService<IOptions<AccountOptions>>().Value.TermsVersion,
            app.Services.GetRequiredService<TimeProvider>().GetUtcNow());
        Assert.True((await users.AddPasswordAsync(user, Password)).Succeeded);
        return new(org.Id, here.Id, other.Id, sites[0].Id);
    }

    /// <summary>Subscribe, land, sign in, choose the site, the organization and the workspace, review, link.</summary>
    /// <param name="shots">the screenshots' name suffix, or null for none</param>
    private async Task<IPage> LinkAsync(Provisioned customer, string culture, string willBeBound, string? shots)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 800 }, Locale = culture,
        });
        await context.AddCookiesAsync([new Cookie { Name = ".AspNetCore.Culture", Value = $"c={culture}|uic={culture}", Url = app.BaseAddress.ToString() }]);
        var page = await context.NewPageAsync();
        async Task ShotAsync(string name) { if (shots is not null) await page.ShotAsync(name + shots); }

        await page.GotoAsync("dev/marketplace");
        await page.WaitForCircuitAsync();
        await page.Locator("input[name=account]").FillAsync(Account);
        await page.Locator("#subscribe").ClickAsync();
        await page.Locator("#setup-account").WaitForAsync(Visible);
        await ShotAsync("40-existing-subscribed");
        await page.ClickAndWaitForUrlAsync(page.Locator("#setup-account"), "**/onboarding");
        await page.WaitForCircuitAsync();
        await page.ClickAndWaitForUrlAsync(page.Locator("#start-continue"), "**/onboarding/account");
        await page.WaitForCircuitAsync();

        // Sign in, not register: the account exists already.
        await page.Locator("input[name=signin-email]").FillAsync(Email);
        await page.Locator("input[name=signin-password]").FillAsync(Password);
        await ShotAsync("41-existing-signin");
        await page.ClickAndWaitForUrlAsync(page.Locator("#signin-submit"), "**/onboarding/site");
        await page.WaitForCircuitAsync();
        await page.Locator($"label:has(input[name=site][value={customer.HereSite}])").ClickAsync();
        await WizardSteps.NextAsync(page, "/onboarding/organization");

        await page.Locator("label:has(input[name=org-mode][value=Existing])").ClickAsync();
        var organization = page.Locator($"label:has(input[name=org-existing][value='{customer.OrganizationId}'])");
        await organization.ClickAsync();
        await Assertions.Expect(organization.Locator("input")).ToBeCheckedAsync(new() { Timeout = 30_000 });
        await ShotAsync("42-existing-organization");
        await WizardSteps.NextAsync(page, "/onboarding/workspace");

        await page.Locator("label:has(input[name=ws-mode][value=Existing])").ClickAsync();
        // The other site's workspace is listed, not bindable, and says why.
        var other = page.Locator($"label:has(input[name=ws-existing][value='{customer.OtherWorkspaceId}'])");
        await Assertions.Expect(other.Locator("input")).ToBeDisabledAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(other.Locator("small")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        if (culture == "en") await Assertions.Expect(other.Locator("small")).ToContainTextAsync("cannot be bound", new() { Timeout = 30_000 });
        var here = page.Locator($"label:has(input[name=ws-existing][value='{customer.HereWorkspaceId}'])");
        await here.ClickAsync();
        await Assertions.Expect(here.Locator("input")).ToBeCheckedAsync(new() { Timeout = 30_000 });
        await ShotAsync("43-existing-workspace");
        await page.Locator("#step-submit").ClickAsync();
        await page.Locator("#bind-confirm").WaitForAsync(Visible);
        await ShotAsync("44-existing-bind-confirm");
        await page.ClickAndWaitForUrlAsync(page.Locator("#bind-confirm"), "**/onboarding/review");
        await page.WaitForCircuitAsync();

        await Assertions.Expect(page.Locator("#review-workspace-mode")).ToHaveTextAsync(willBeBound, new() { Timeout = 30_000 });
        await ShotAsync("45-existing-review");
        await WizardSteps.NextAsync(page, "/onboarding/linked");
        await page.Locator("#linked-confirmation").WaitForAsync(Visible);
        await ShotAsync("46-existing-linked");
        return page;
    }
}
