using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Simulator;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Hardening;

/// <summary>
/// AWS throttling, failing or hanging for every caller while a buyer lands: the localized 503 page comes back once
/// the configured retry budget is spent (never an endless wait), nothing is stored, and the buyer lands fine once AWS
/// recovers. Bounds are checked as behaviour (attempts AWS saw, requests that complete), not as wall-clock time.
/// </summary>
public sealed class AwsLandingFaultTests
{
    private const string Resolve = "ResolveCustomer";
    private const int MaxAttempts = 4;
    private const string NotAnswering = "AWS Marketplace is not answering right now";

    // Small timeouts keep a hang short; the total budget and the landing deadline are wide enough that the retry
    // count, not time, ends the call, so the simulator must see exactly MaxAttempts calls.
    private static PortalAppFactory App(IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Marketplace:Calls:AttemptTimeout"] = "00:00:01", ["Marketplace:Calls:MaxAttempts"] = MaxAttempts.ToString(),
            ["Marketplace:Calls:MaxTotalTime"] = "00:01:00", ["Marketplace:LandingDeadline"] = "00:02:00",
        };
        foreach (var (k, v) in more ?? new Dictionary<string, string?>()) settings[k] = v;
        return new PortalAppFactory(settings);
    }

    private static string Mint(PortalAppFactory app, string account, string product = PortalAppFactory.PaygProduct,
        SimulatedOffer offer = SimulatedOffer.Payg) =>
        app.Services.GetRequiredService<SimulatorTokens>().Mint(product, offer, account);

    /// <summary>Posts like AWS's button; a guard turns a hang into a failed test instead of a blocked run.</summary>
    private static async Task<HttpResponseMessage> LandAsync(HttpClient browser, string token)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await browser.PostAsync("/marketplace/landing", new FormUrlEncodedContent([new("x-amzn-marketplace-token", token)]), guard.Token);
    }

    [Theory]
    [InlineData(SimulatorFault.Throttle)]
    [InlineData(SimulatorFault.Fail)]
    [InlineData(SimulatorFault.Hang)]
    public async Task Landing_AwsDown_503PageAfterMaxAttempts_NothingStored_LandsOnceAwsRecovers(SimulatorFault fault)
    {
        await using var app = App();
        using var browser = app.CreateBrowser();
        var faults = app.Services.GetRequiredService<SimulatorState>().Faults;
        var account = SimulatorTokens.NewAccountId();
        faults.Set(Resolve, fault);

        var response = await LandAsync(browser, Mint(app, account));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(NotAnswering, html);
        Assert.DoesNotContain("Exception", html);
        Assert.Equal(TimeSpan.FromSeconds(60), response.Headers.RetryAfter?.Delta);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("Portal.Onboarding=")));
        Assert.Equal(MaxAttempts, faults.Calls(Resolve)); // the retry budget, spent once, not more
        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(0, await db.Subscriptions.CountAsync());
            Assert.Equal(0, await db.OnboardingSessions.CountAsync());
        }

        faults.Set(Resolve, SimulatorFault.Normal);
        var again = await LandAsync(browser, Mint(app, account)); // AWS's button again: a fresh token

        Assert.Equal(HttpStatusCode.SeeOther, again.StatusCode);
        await using var after = app.CreateDbContext();
        Assert.Equal(account, (await after.Subscriptions.SingleAsync()).CustomerAwsAccountId);
        Assert.Equal(1, await after.OnboardingSessions.CountAsync());
    }

    [Fact]
    public async Task Landing_AwsHangs_LandingDeadlineEndsTheWaitBeforeTheRetryBudget()
    {
        // Ten half-second attempts would outlast the one-second landing deadline: the deadline must win.
        await using var app = App(new Dictionary<string, string?>
        {
            ["Marketplace:Calls:AttemptTimeout"] = "00:00:00.500", ["Marketplace:Calls:MaxAttempts"] = "10",
            ["Marketplace:LandingDeadline"] = "00:00:01",
        });
        using var browser = app.CreateBrowser();
        var faults = app.Services.GetRequiredService<SimulatorState>().Faults;
        faults.Set(Resolve, SimulatorFault.Hang);

        var response = await LandAsync(browser, Mint(app, SimulatorTokens.NewAccountId()));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains(NotAnswering, await response.Content.ReadAsStringAsync());
        Assert.InRange(faults.Calls(Resolve), 1, 9);
        Assert.Contains(app.Logs.Lines, l => l.Contains("Marketplace:LandingDeadline"));
        await using var db = app.CreateDbContext();
        Assert.Equal(0, await db.OnboardingSessions.CountAsync());
    }

    [Fact]
    public async Task ContractLanding_EntitlementServiceHangs_StartsOnboardingWithinTheDeadline()
    {
        // ResolveCustomer answers; the entitlement look-ups hang. The buyer still starts (the wizard waits for AWS's
        // confirmation and the refresh worker asks again later) instead of waiting out every call's own budget.
        await using var app = App(new Dictionary<string, string?>
        {
            ["Marketplace:Calls:AttemptTimeout"] = "00:00:00.500", ["Marketplace:Calls:MaxAttempts"] = "10",
            ["Marketplace:LandingDeadline"] = "00:00:02",
        });
        using var browser = app.CreateBrowser();
        var faults = app.Services.GetRequiredService<SimulatorState>().Faults;
        faults.Set("GetEntitlements", SimulatorFault.Hang);

        var response = await LandAsync(browser, Mint(app, SimulatorTokens.NewAccountId(), PortalAppFactory.ContractProduct, SimulatedOffer.Contract));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(1, faults.Calls(Resolve));
        Assert.InRange(faults.Calls("GetEntitlements"), 1, 19); // two calls of ten attempts each were not waited out
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.OnboardingSessions.CountAsync());
    }
}
