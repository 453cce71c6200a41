using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Marketplace.Simulator;
using Portal.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Portal.Tests.Integration.Marketplace;

/// <summary>
/// ExpiredTokenException means two things at AWS: the buyer's registration token expired, or the portal's own AWS
/// credentials did. The buyer must only hear "your link expired" in the first case.
/// </summary>
public sealed class ExpiredTokenTests
{
    private static FormUrlEncodedContent Form(string token) => new([new("x-amzn-marketplace-token", token)]);

    [Fact]
    public async Task Expired_portal_credentials_are_an_outage_for_the_operator_not_an_expired_link_for_the_buyer()
    {
        await using var app = new PortalAppFactory();
        var aws = app.Services.GetRequiredService<SimulatorState>();
        var tokens = app.Services.GetRequiredService<SimulatorTokens>();
        using var browser = app.CreateBrowser();
        aws.Faults.Set("ResolveCustomer", SimulatorFault.ExpiredCredentials);

        var landing = await browser.PostAsync("/marketplace/landing", Form(tokens.Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, "450000000001")));
        var ready = await (await browser.GetAsync("/health/ready")).Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, landing.StatusCode); // "AWS is not answering", not 410 "link expired"
        Assert.Contains("aws-credentials", ready);
        Assert.Contains("Degraded", ready);
        Assert.Contains(app.Logs.Lines, l => l.StartsWith("Error ", StringComparison.Ordinal) && l.Contains("credentials", StringComparison.Ordinal));

        aws.Faults.Clear(); // the operator renewed the keys
        Assert.Equal(303, (int)(await browser.PostAsync("/marketplace/landing", Form(tokens.Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, "450000000002")))).StatusCode);
        Assert.DoesNotContain("Degraded", await (await browser.GetAsync("/health/ready")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_token_resubmitted_after_it_expired_resumes_the_session_of_the_browser_that_holds_it()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new PortalAppFactory(configureServices: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        var token = app.Services.GetRequiredService<SimulatorTokens>().Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, "450000000003");
        using var browser = app.CreateBrowser();
        var first = await browser.PostAsync("/marketplace/landing", Form(token));
        Assert.Equal(303, (int)first.StatusCode);
        clock.Advance(SimulatorTokens.Lifetime + TimeSpan.FromMinutes(1)); // AWS now calls the token expired

        var again = await browser.PostAsync("/marketplace/landing", Form(token));
        using var stranger = app.CreateBrowser();
        var elsewhere = await stranger.PostAsync("/marketplace/landing", Form(token));

        Assert.Equal(303, (int)again.StatusCode);
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.Equal(HttpStatusCode.Gone, elsewhere.StatusCode); // without the session, an expired link is an expired link
    }
}
