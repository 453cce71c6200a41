using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;
using Portal.Admin;
using Portal.Marketplace.Landing;
using Portal.Marketplace.Simulator;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Admin;

/// <summary>The console's front door on a real Kestrel port: who gets in, who is sent to sign in, who is turned away.</summary>
public sealed class AdminConsoleEndpointTests : IAsyncLifetime
{
    private const string AdminEmail = "vendor.boss@example.com";
    private const string PendingEmail = "pending.boss@example.com";
    private readonly PortalAppFactory app = new(new Dictionary<string, string?>
    {
        ["Admin:Emails:0"] = AdminEmail.ToUpperInvariant(), ["Admin:Emails:1"] = PendingEmail,
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    /// <summary>Subscribes in the simulator and posts the token like AWS: the subscription the console must list.</summary>
    private async Task<string> LandAsync()
    {
        var account = SimulatorTokens.NewAccountId();
        var token = app.Services.GetRequiredService<SimulatorTokens>().Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, account, SimulatedFailure.None, false);
        using var buyer = app.CreateBrowser();
        var landed = await buyer.PostAsync("/marketplace/landing", new FormUrlEncodedContent([new("x-amzn-marketplace-token", token)]));
        Assert.Equal(HttpStatusCode.SeeOther, landed.StatusCode);
        return account;
    }

    [Fact]
    public async Task Get_Anonymous_RedirectsToStandaloneSignInWithReturnUrl()
    {
        using var browser = app.CreateBrowser();

        var response = await browser.GetAsync("/admin?tab=1");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/signin?returnUrl=%2Fadmin%3Ftab%3D1", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task SignIn_ConfiguredVerifiedEmail_GetsVendorAdminAndSeesLandedSubscriptionInGrid()
    {
        var account = await LandAsync();
        var cookies = new CookieContainer();
        using var browser = app.CreateBrowser(cookies: cookies);
        using (var scope = app.Services.CreateScope())
        {
            // The real registration and e-mail verification, as the wizard does them.
            var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
            var registered = await accounts.RegisterAsync(AdminEmail, "Vera Vendor", AdminTestData.Password);
            await using var db = app.CreateDbContext();
            var mail = await db.EmailMessages.Where(m => m.To == AdminEmail).SingleAsync();
            var code = System.Text.RegularExpressions.Regex.Match(mail.TextBody, @"\b\d{6}\b").Value;
            Assert.Equal(VerifyResult.Verified, await accounts.VerifyCodeAsync(registered.User!.Id, code));
        }

        var target = await AdminTestData.SignInAsync(app, browser, cookies, AdminEmail);
        var page = await browser.GetAsync(target);

        Assert.Equal("/admin", target);
        var user = await app.CreateDbContext().Users.SingleAsync(u => u.Email == AdminEmail);
        Assert.True(await AdminTestData.IsAdminAsync(app, user.Id));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Vendor console", html);
        Assert.Contains(LandingService.Mask(account), html);
        Assert.Contains("Test Analytics", html);
        Assert.Contains("href=\"admin\"", html); // the header's Console link
    }

    [Fact]
    public async Task Get_SignedInNonAdmin_403NotAllowedWithoutSubscriptionData()
    {
        var account = await LandAsync();
        await AdminTestData.CreateUserAsync(app, "buyer@example.com");
        var cookies = new CookieContainer();
        using var browser = app.CreateBrowser(cookies: cookies);
        await AdminTestData.SignInAsync(app, browser, cookies, "buyer@example.com");
        await using var db = app.CreateDbContext();
        var subscription = await db.Subscriptions.SingleAsync();

        var console = await browser.GetAsync("/admin");
        var details = await browser.GetAsync($"/admin/subscriptions/{subscription.Id}");

        foreach (var response in new[] { console, details })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("Not allowed", html);
            Assert.DoesNotContain(account[^4..], html);
            Assert.DoesNotContain("Test Analytics", html);
            Assert.DoesNotContain("href=\"admin\"", html);
        }
    }

    [Fact]
    public async Task SignInComplete_ForeignReturnUrl_GoesHomeInstead()
    {
        await AdminTestData.CreateUserAsync(app, "someone@example.com");
        var cookies = new CookieContainer();
        using var browser = app.CreateBrowser(cookies: cookies);

        var target = await AdminTestData.SignInAsync(app, browser, cookies, "someone@example.com", returnUrl: "//evil.example/admin");

        Assert.Equal("/", target);
    }

    [Fact]
    public async Task SignInComplete_TicketWithoutThisBrowsersBinding_Refused()
    {
        var user = await AdminTestData.CreateUserAsync(app, "someone@example.com");
        string ticket;
        using (var scope = app.Services.CreateScope())
            ticket = await scope.ServiceProvider.GetRequiredService<AccountService>().IssueTicketAsync(user.Id, Guid.NewGuid());
        using var stranger = app.CreateBrowser();

        var response = await stranger.GetAsync($"/account/signin/complete?ticket={Uri.EscapeDataString(ticket)}&returnUrl=%2Fadmin");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/signin?expired=1", response.Headers.Location?.OriginalString);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var set) ? set : [], c => c.StartsWith(".AspNetCore.Identity.Application="));
    }

    [Fact]
    public async Task Startup_ExistingVerifiedConfiguredUser_GrantedOnceUnverifiedNot()
    {
        var admin = await AdminTestData.CreateUserAsync(app, AdminEmail);
        var pending = await AdminTestData.CreateUserAsync(app, PendingEmail, verified: false);
        var grants = app.Services.GetRequiredService<AdminGrants>();

        await grants.EnsureAllConfiguredAsync();
        await grants.EnsureAllConfiguredAsync(); // idempotent: a restart changes nothing

        Assert.True(await AdminTestData.IsAdminAsync(app, admin.Id));
        Assert.False(await AdminTestData.IsAdminAsync(app, pending.Id));
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.UserRoles.CountAsync());
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Type == AdminGrants.GrantedEvent));
    }
}
