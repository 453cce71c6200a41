using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;
using Portal.Marketplace.Simulator;
using Portal.Metering;
using Portal.Onboarding;
using Portal.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Operations;

/// <summary>
/// Two portal instances (each its own host, container and Kestrel port) on one PostgreSQL database, as behind a
/// load balancer: the buyer lands on A and continues on B, the cookies either issues are honoured by the other (the
/// key ring is in the database), the subscription is linked once, and usage is sent by exactly one of them. Both
/// use A's simulator as "AWS", so every metering call either makes is counted in one place.
/// </summary>
public sealed class TwoInstanceTests
{
    [Fact]
    public async Task Land_on_A_continue_on_B_link_once_and_meter_from_exactly_one()
    {
        await using var pg = await PostgresDatabase.CreateAsync();
        var common = new Dictionary<string, string?> { ["DataProtection:KeysPath"] = null, ["Metering:Interval"] = "00:00:01" };
        await using var a = new PortalAppFactory(common, pg.ConnectionString);
        var aws = a.BaseAddress;
        await using var b = new PortalAppFactory(new Dictionary<string, string?>(common)
        {
            ["Marketplace:MeteringEndpoint"] = new Uri(aws, "_simulator/aws/metering/").ToString(),
            ["Marketplace:EntitlementEndpoint"] = new Uri(aws, "_simulator/aws/entitlement/").ToString(),
        }, pg.ConnectionString);
        _ = b.BaseAddress;

        // Land on A.
        var token = a.Services.GetRequiredService<SimulatorTokens>().Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, "630000000001");
        var jarA = new CookieContainer();
        using var browserA = a.CreateBrowser(cookies: jarA);
        Assert.Equal(HttpStatusCode.SeeOther, (await browserA.PostAsync("/marketplace/landing",
            new FormUrlEncodedContent([new("x-amzn-marketplace-token", token)]))).StatusCode);

        // The same browser's next request reaches B: B reads A's cookie and shows the same onboarding.
        var jarB = new CookieContainer();
        foreach (Cookie c in jarA.GetAllCookies()) jarB.Add(b.BaseAddress, new Cookie(c.Name, c.Value, "/"));
        using var browserB = b.CreateBrowser(cookies: jarB);
        var start = await browserB.GetStringAsync("/onboarding");
        Assert.Contains("Finish setting up Test Analytics", start);

        // Sign in on B (registered and verified there), signed in on A by a hand-off ticket from B.
        await using var db = b.CreateDbContext();
        var session = await db.OnboardingSessions.Include(s => s.Subscription).SingleAsync();
        string userId;
        using (var scope = b.Services.CreateScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
            userId = (await accounts.RegisterAsync("two.instances@example.com", "Two Instances", "Str0ng!Passw0rd")).User!.Id;
            var mail = await db.EmailMessages.AsNoTracking().SingleAsync(m => m.To == "two.instances@example.com");
            Assert.Equal(VerifyResult.Verified, await accounts.VerifyCodeAsync(userId, System.Text.RegularExpressions.Regex.Match(mail.TextBody, @"\b\d{6}\b").Value));
            var ticket = await accounts.IssueTicketAsync(userId, session.Id);
            var handoff = await browserA.GetAsync("/account/handoff?ticket=" + Uri.EscapeDataString(ticket)); // redeemed on A
            Assert.Equal(HttpStatusCode.Redirect, handoff.StatusCode);
        }
        foreach (Cookie c in jarA.GetAllCookies()) jarB.Add(b.BaseAddress, new Cookie(c.Name, c.Value, "/"));

        // The buyer's answers, then "Link subscription" pressed on both instances at once: exactly one links.
        await db.OnboardingSessions.Where(s => s.Id == session.Id).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.UserId, userId).SetProperty(s => s.Step, OnboardingStep.Review)
            .SetProperty(s => s.Data, new OnboardingData
            {
                SiteId = "us-west-2", Organization = new OrganizationChoice { Mode = ChoiceMode.New, Name = "Twin Corp" },
                Workspace = new WorkspaceChoice { Mode = ChoiceMode.New, Name = "Production", Language = "en" },
            }.ToJson()));
        async Task<LinkResult> LinkOn(PortalAppFactory app)
        {
            using var scope = app.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<LinkService>().LinkAsync(session.Id, userId);
        }
        var results = await Task.WhenAll(LinkOn(a), LinkOn(b), LinkOn(b));
        Assert.Single(results, r => r.Outcome == LinkOutcome.Linked);
        Assert.Equal(1, await db.Organizations.CountAsync());
        var organizationId = (await db.Subscriptions.AsNoTracking().SingleAsync()).OrganizationId!.Value;

        // The Identity cookie A issued is honoured by B: B shows the organization's billing page.
        var billing = await browserB.GetStringAsync($"/organizations/{organizationId}/billing");
        Assert.Contains("id=\"billing-banner\"", billing);

        // Usage of the last hour: both instances run their metering worker every second; one holds the lease.
        var calls = a.Services.GetRequiredService<SimulatorState>().MeteringCallCount;
        db.UsageEvents.Add(new UsageEvent
        {
            SubscriptionId = session.SubscriptionId, Dimension = "requests", Quantity = 9, OccurredAt = DateTimeOffset.UtcNow.AddHours(-1),
            ReceivedAt = DateTimeOffset.UtcNow, IdempotencyKey = "twin-1", Source = "host",
        });
        await db.SaveChangesAsync();
        for (var i = 0; i < 200 && !await db.MeteringRecords.AnyAsync(r => r.Status == MeteringStatus.Sent); i++) await Task.Delay(100);
        await Task.Delay(TimeSpan.FromSeconds(3)); // several more passes on both: nothing more may be sent

        var record = await db.MeteringRecords.AsNoTracking().SingleAsync();
        Assert.Equal((MeteringStatus.Sent, 9L), (record.Status, record.Quantity));
        Assert.Equal(1, a.Services.GetRequiredService<SimulatorState>().MeteringCallCount - calls);
        var lease = await db.Leases.AsNoTracking().SingleAsync(l => l.Name == MeteringWorker.LeaseName);
        Assert.Contains(lease.Holder, new[] { a.Services.GetRequiredService<LeaseService>().Holder, b.Services.GetRequiredService<LeaseService>().Holder });
    }
}
