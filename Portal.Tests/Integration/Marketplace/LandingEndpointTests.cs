using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Audit;
using Portal.Marketplace.Simulator;
using Portal.Marketplace.Subscriptions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Marketplace;

/// <summary>POST /marketplace/landing on a real Kestrel port, a real SQLite file and the simulator speaking AWS JSON 1.1.</summary>
public sealed class LandingEndpointTests : IAsyncLifetime
{
    private readonly PortalAppFactory app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    private string Mint(SimulatedFailure failure = SimulatedFailure.None, SimulatedOffer offer = SimulatedOffer.Payg,
        string? account = null, bool legacy = false, string product = PortalAppFactory.PaygProduct) =>
        app.Services.GetRequiredService<SimulatorTokens>().Mint(product, offer, account ?? SimulatorTokens.NewAccountId(), failure, legacy);

    private static FormUrlEncodedContent Form(string token) => new([new("x-amzn-marketplace-token", token)]);

    [Fact]
    public async Task Post_ValidToken_Redirects303WithSessionCookieAndStoresOneOfEach()
    {
        using var browser = app.CreateBrowser();
        var account = SimulatorTokens.NewAccountId();

        var response = await browser.PostAsync("/marketplace/landing", Form(Mint(account: account)));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/onboarding", response.Headers.Location?.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("Portal.Onboarding="));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        await using var db = app.CreateDbContext();
        var subscription = await db.Subscriptions.SingleAsync();
        Assert.Equal(account, subscription.CustomerAwsAccountId);
        Assert.Equal(PortalAppFactory.PaygProduct, subscription.ProductCode);
        Assert.StartsWith($"arn:aws:license-manager::{account}:license:", subscription.LicenseArn);
        Assert.Null(subscription.CustomerIdentifier);
        Assert.Equal(OfferType.Payg, subscription.OfferType);
        Assert.Equal(SubscriptionStatus.Pending, subscription.Status);
        var session = await db.OnboardingSessions.SingleAsync();
        Assert.Equal(subscription.Id, session.SubscriptionId);
        var audit = await db.AuditEvents.SingleAsync();
        Assert.Equal(AuditEventTypes.SubscriptionRegistered, audit.Type);
        Assert.Equal(subscription.Id, audit.SubscriptionId);
    }

    [Fact]
    public async Task Post_SameToken20TimesConcurrently_OneSubscriptionAndOneSession()
    {
        var token = Mint();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var browser = app.CreateBrowser();
            return await browser.PostAsync("/marketplace/landing", Form(token));
        }));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.SeeOther, r.StatusCode));
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.Subscriptions.CountAsync());
        Assert.Equal(1, await db.OnboardingSessions.CountAsync());
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Type == AuditEventTypes.SubscriptionRegistered));
    }

    [Fact]
    public async Task Post_SameCustomerAgainFromSameBrowser_ResumesSameSession()
    {
        using var browser = app.CreateBrowser();
        var account = SimulatorTokens.NewAccountId();

        await browser.PostAsync("/marketplace/landing", Form(Mint(account: account)));
        var again = await browser.PostAsync("/marketplace/landing", Form(Mint(account: account)));

        Assert.Equal(HttpStatusCode.SeeOther, again.StatusCode);
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.Subscriptions.CountAsync());
        Assert.Equal(1, await db.OnboardingSessions.CountAsync());
    }

    [Fact]
    public async Task Post_SameCustomerFromAnotherBrowser_SameSubscriptionNewSession()
    {
        var account = SimulatorTokens.NewAccountId();
        using var first = app.CreateBrowser();
        using var second = app.CreateBrowser();

        await first.PostAsync("/marketplace/landing", Form(Mint(account: account)));
        await second.PostAsync("/marketplace/landing", Form(Mint(account: account)));

        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.Subscriptions.CountAsync());
        Assert.Equal(2, await db.OnboardingSessions.CountAsync());
    }

    [Fact]
    public async Task Get_TokenInQuery_LandsLikePost()
    {
        using var browser = app.CreateBrowser();

        var response = await browser.GetAsync("/marketplace/landing?x-amzn-marketplace-token=" + Uri.EscapeDataString(Mint()));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.Subscriptions.CountAsync());
    }

    [Theory]
    [InlineData(SimulatedFailure.ThrottleOnce)]
    [InlineData(SimulatedFailure.InternalErrorOnce)]
    public async Task Post_TransientAwsErrorOnce_RetriedAndLands(SimulatedFailure failure)
    {
        using var browser = app.CreateBrowser();

        var response = await browser.PostAsync("/marketplace/landing", Form(Mint(failure)));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.Subscriptions.CountAsync());
    }

    [Fact]
    public async Task Post_ContractOffer_StoredAsContract()
    {
        using var browser = app.CreateBrowser();

        await browser.PostAsync("/marketplace/landing", Form(Mint(offer: SimulatedOffer.Contract, product: PortalAppFactory.ContractProduct)));

        await using var db = app.CreateDbContext();
        Assert.Equal(OfferType.Contract, (await db.Subscriptions.SingleAsync()).OfferType);
    }

    [Fact]
    public async Task Post_LegacyIntegration_KeepsItsCustomerIdentifierAndTheLicenseAwsNowSends()
    {
        using var browser = app.CreateBrowser();
        var account = SimulatorTokens.NewAccountId();

        await browser.PostAsync("/marketplace/landing", Form(Mint(account: account, legacy: true)));
        await browser.PostAsync("/marketplace/landing", Form(Mint(account: account, legacy: true)));

        await using var db = app.CreateDbContext();
        var subscription = await db.Subscriptions.SingleAsync();
        Assert.False(string.IsNullOrEmpty(subscription.LicenseArn)); // AWS returns the ARN to older integrations too
        Assert.False(string.IsNullOrEmpty(subscription.CustomerIdentifier));
    }

    [Fact]
    public async Task Wizard_WithSessionCookie_ShowsProductOfferAndMaskedAccount()
    {
        var account = "123456789012";
        using var browser = app.CreateBrowser(followRedirects: true);

        var response = await browser.PostAsync("/marketplace/landing", Form(Mint(account: account)));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith("/onboarding", response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("Test Analytics", html);
        Assert.Contains("Pay as you go", html);
        Assert.Contains("********9012", html);
        Assert.DoesNotContain(account, html);
        Assert.Contains("not connected yet", html);
    }

    [Fact]
    public async Task Wizard_WithoutSession_SaysHowToStart()
    {
        using var browser = app.CreateBrowser();

        var html = await browser.GetStringAsync("/onboarding");

        Assert.Contains("No setup in progress", html);
    }
}
