using System.Net;
using Portal.Marketplace.Subscriptions;
using Portal.Organizations;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration.Admin;

namespace Portal.Tests.Integration.Operations;

/// <summary>
/// Who may open what, checked on the server: every organization, workspace, billing, API-key and console route
/// for the organization's admin, a member, the admin of another organization, an anonymous visitor and the vendor
/// admin, with ids taken from the other organization (guessed or replayed). A refusal shows none of the data.
/// </summary>
public sealed class AuthorizationMatrixTests : IAsyncLifetime
{
    private readonly PortalAppFactory app = new(new Dictionary<string, string?> { ["Admin:Emails:0"] = "vendor@example.com" });
    private readonly Dictionary<string, HttpClient> browsers = [];
    private Guid org, workspace, subscription;

    public async Task InitializeAsync()
    {
        _ = app.BaseAddress;
        var admin = await AdminTestData.CreateUserAsync(app, "owner@example.com");
        var member = await AdminTestData.CreateUserAsync(app, "member@example.com");
        var stranger = await AdminTestData.CreateUserAsync(app, "stranger@example.com");
        await AdminTestData.CreateUserAsync(app, "vendor@example.com");
        await using (var db = app.CreateDbContext())
        {
            var acme = new Organization { Name = "Acme Secret Org", CreatedAt = DateTimeOffset.UtcNow };
            acme.Members.Add(new OrganizationMember { UserId = admin.Id, Role = OrganizationRole.Admin, JoinedAt = DateTimeOffset.UtcNow });
            acme.Members.Add(new OrganizationMember { UserId = member.Id, Role = OrganizationRole.Member, JoinedAt = DateTimeOffset.UtcNow });
            acme.Workspaces.Add(new Workspace { Name = "Acme Hidden Workspace", Language = "en", Site = "us-west-2", CreatedAt = DateTimeOffset.UtcNow });
            var other = new Organization { Name = "Other Org", CreatedAt = DateTimeOffset.UtcNow };
            other.Members.Add(new OrganizationMember { UserId = stranger.Id, Role = OrganizationRole.Admin, JoinedAt = DateTimeOffset.UtcNow });
            db.Organizations.AddRange(acme, other);
            var s = new MarketplaceSubscription
            {
                ProductCode = PortalAppFactory.PaygProduct, CustomerAwsAccountId = "777788889999", LicenseArn = "arn:aws:license-manager::777788889999:license:l-matrix",
                OfferType = OfferType.Payg, Status = SubscriptionStatus.Active, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
                OrganizationId = acme.Id, LinkedAt = DateTimeOffset.UtcNow,
            };
            db.Subscriptions.Add(s);
            await db.SaveChangesAsync();
            (org, workspace, subscription) = (acme.Id, acme.Workspaces[0].Id, s.Id);
        }
        foreach (var (who, email) in new[] { ("admin", "owner@example.com"), ("member", "member@example.com"), ("stranger", "stranger@example.com"), ("vendor", "vendor@example.com") })
        {
            var cookies = new CookieContainer();
            var browser = app.CreateBrowser(cookies: cookies);
            await AdminTestData.SignInAsync(app, browser, cookies, email);
            browsers[who] = browser;
        }
        browsers["anonymous"] = app.CreateBrowser();
    }

    public async Task DisposeAsync()
    {
        foreach (var b in browsers.Values) b.Dispose();
        await app.DisposeAsync();
    }

    // The secret each page would show when allowed: its absence is the proof of a refusal.
    public static TheoryData<string, string, bool, string> Matrix() => new()
    {
        { "admin", "billing", true, "Billed through AWS Marketplace" },
        { "member", "billing", false, "Only the organization's admins can see its billing." },
        { "stranger", "billing", false, "This organization does not exist or you are not one of its members." },
        { "anonymous", "billing", false, "Sign in to open this organization." },
        { "vendor", "billing", false, "This organization does not exist or you are not one of its members." },
        { "admin", "home", true, "Acme Hidden Workspace" },
        { "member", "home", true, "Acme Hidden Workspace" },
        { "stranger", "home", false, "This organization does not exist or you are not one of its members." },
        { "anonymous", "home", false, "Sign in to open this organization." },
        { "vendor", "home", false, "This organization does not exist or you are not one of its members." },
        { "admin", "workspaces", true, "New workspace" },
        { "member", "workspaces", true, "Acme Hidden Workspace" },
        { "stranger", "workspaces", false, "This organization does not exist or you are not one of its members." },
        { "anonymous", "workspaces", false, "Sign in to open this organization." },
        { "vendor", "workspaces", false, "This organization does not exist or you are not one of its members." },
        { "admin", "account", true, "Acme Secret Org" },
        { "member", "account", true, "Acme Secret Org" },
        { "stranger", "account", false, "Other Org" },
        { "anonymous", "account", false, "You are not signed in" },
        { "vendor", "account", false, "You are not a member of any organization yet." },
        { "admin", "api-keys", true, "Your product reports this organization's usage" },
        { "member", "api-keys", false, "Only the organization's admins can manage its API keys." },
        { "stranger", "api-keys", false, "Only the organization's admins can manage its API keys." },
        { "anonymous", "api-keys", false, "Sign in to see billing." },
        { "vendor", "api-keys", true, "Your product reports this organization's usage" },
        { "admin", "workspace", true, "Acme Hidden Workspace" },
        { "member", "workspace", true, "Acme Hidden Workspace" },
        { "stranger", "workspace", false, "" },
        { "anonymous", "workspace", false, "" },
        { "admin", "members", true, "member@example.com" },
        { "member", "members", true, "member@example.com" },
        { "stranger", "members", false, "This organization does not exist or you are not one of its members." },
        { "anonymous", "members", false, "Sign in to open this organization." },
        { "vendor", "members", false, "This organization does not exist or you are not one of its members." },
        // A forged invitation token: the same answer for everyone, naming no organization.
        { "admin", "link-request", true, "This request is no longer open" },
        { "member", "link-request", false, "Only the organization's admins can link a subscription to it." },
        { "stranger", "link-request", false, "This organization does not exist or you are not one of its members." },
        { "anonymous", "link-request", false, "Sign in to open this organization." },
        { "vendor", "link-request", false, "This organization does not exist or you are not one of its members." },
        { "admin", "invitation", true, "This invitation link does not work" },
        { "stranger", "invitation", true, "This invitation link does not work" },
        { "anonymous", "invitation", true, "This invitation link does not work" },
        { "vendor", "console", true, "Vendor console" },
        { "admin", "console", false, "" },
        { "member", "console", false, "" },
        { "stranger", "console", false, "" },
        { "anonymous", "console", false, "" },
        { "vendor", "console-subscription", true, "********9999" },
        { "admin", "console-subscription", false, "" },
        { "stranger", "console-subscription", false, "" },
        { "anonymous", "console-subscription", false, "" },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_user_sees_only_what_is_theirs(string who, string route, bool allowed, string expected)
    {
        var path = route switch
        {
            "billing" => $"/organizations/{org}/billing",
            "api-keys" => $"/organizations/{org}/api-keys",
            "workspace" => $"/workspaces/{workspace}",
            "home" => $"/organizations/{org}",
            "workspaces" => $"/organizations/{org}/workspaces",
            "account" => "/account",
            "members" => $"/organizations/{org}/members",
            // A request nobody made for this organization: even its admin sees no subscription's data.
            "link-request" => $"/organizations/{org}/link-requests/{subscription}",
            "invitation" => "/invitations/accept?token=forged-" + org,
            "console" => "/admin",
            _ => $"/admin/subscriptions/{subscription}",
        };
        var response = await browsers[who].GetAsync(path);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        if (allowed)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(expected, html);
            // Only admins see how the organization is billed, whatever the page.
            if (who == "member") { Assert.DoesNotContain("********9999", html); Assert.DoesNotContain("777788889999", html); }
            return;
        }
        // Refused: a 3xx to sign-in, a 403, or the page's own refusal; never the organization's data.
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect or HttpStatusCode.Forbidden, $"{(int)response.StatusCode}");
        if (expected.Length > 0 && response.StatusCode == HttpStatusCode.OK) Assert.Contains(expected, html);
        // A member knows the organization's name and workspaces (they work there); billing is what is kept from them.
        if (who != "member")
        {
            Assert.DoesNotContain("Acme Secret Org", html);
            Assert.DoesNotContain("Acme Hidden Workspace", html);
        }
        // The account as every page shows it (masked); a bare "9999" could be part of a random id in a link.
        Assert.DoesNotContain("********9999", html);
        Assert.DoesNotContain("777788889999", html);
    }
}
