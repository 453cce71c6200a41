using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Entitlements;
using Portal.Marketplace.Subscriptions;
using Portal.Organizations;
using Portal.Organizations.Home;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration.Admin;
using Microsoft.Extensions.Time.Testing;

namespace Portal.Tests.Integration.Organizations;

/// <summary>
/// A contract that is not renewed: its organization works through the grace period (shown on the billing page), is
/// then marked disabled, and is enabled again by a renewal. A fake clock moves time; pages are read as the admin's
/// browser gets them.
/// </summary>
public sealed class ContractGraceTests
{
    // Near the real time, and the whole story within the sign-in cookie's lifetime: the browser checks the cookie
    // against its own clock, the portal against the fake one.
    // (Whole seconds, which both databases store exactly.)
    private static readonly DateTimeOffset Start = new(DateTimeOffset.UtcNow.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task A_contract_not_renewed_runs_through_its_grace_period_then_disables_its_organization_until_renewed(string provider)
    {
        await using var pg = provider == "Postgres" ? await PostgresDatabase.CreateAsync() : null;
        var clock = new FakeTimeProvider(Start);
        await using var app = new PortalAppFactory(new Dictionary<string, string?> { ["Billing:ContractGracePeriod"] = "3.00:00:00", ["Admin:Emails:0"] = "owner@example.com" },
            pg?.ConnectionString, s => s.AddSingleton<TimeProvider>(clock)
                // The test sweeps itself; the refresh would ask the simulator (which has no such license) for entitlements.
                .RemoveHostedService<ContractGraceWorker>().RemoveHostedService<Portal.Marketplace.Entitlements.EntitlementRefreshWorker>());
        _ = app.BaseAddress;
        var admin = await AdminTestData.CreateUserAsync(app, "owner@example.com");
        await app.Services.GetRequiredService<Portal.Admin.AdminGrants>().EnsureConfiguredAsync(admin); // also the vendor's admin: the console shows it too
        Guid orgId, subscriptionId;
        await using (var db = app.CreateDbContext())
        {
            var org = new Organization { Name = "Contract Org", CreatedAt = Start };
            org.Members.Add(new OrganizationMember { UserId = admin.Id, Role = OrganizationRole.Admin, JoinedAt = Start });
            db.Organizations.Add(org);
            var s = new MarketplaceSubscription
            {
                ProductCode = PortalAppFactory.ContractProduct, CustomerAwsAccountId = "555566667777", LicenseArn = "arn:aws:license-manager::555566667777:license:l-grace",
                OfferType = OfferType.Contract, Status = SubscriptionStatus.Active, CreatedAt = Start, UpdatedAt = Start, OrganizationId = org.Id, LinkedAt = Start,
            };
            db.Subscriptions.Add(s);
            db.Entitlements.Add(new SubscriptionEntitlement { SubscriptionId = s.Id, Dimension = "seats", Value = "10", ValueType = "Integer", ExpiresAt = Start.AddDays(1), RefreshedAt = Start });
            await db.SaveChangesAsync();
            (orgId, subscriptionId) = (org.Id, s.Id);
        }
        var cookies = new CookieContainer();
        using var browser = app.CreateBrowser(cookies: cookies);
        await AdminTestData.SignInAsync(app, browser, cookies, "owner@example.com", $"/organizations/{orgId}");
        var grace = app.Services.GetRequiredService<ContractGrace>();
        async Task<string> BillingAsync() => WebUtility.HtmlDecode(await browser.GetStringAsync($"/organizations/{orgId}/billing"));
        async Task<DateTimeOffset?> DisabledAsync() { await using var db = app.CreateDbContext(); return (await db.Organizations.AsNoTracking().SingleAsync(o => o.Id == orgId)).DisabledAt; }

        // Running: billed through AWS, nothing to sweep.
        Assert.Equal((0, 0), await grace.SweepAsync());
        Assert.Contains("data-state=\"Active\"", await BillingAsync());

        // Two days later the contract has ended: the grace period runs, the organization still works.
        clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal((0, 0), await grace.SweepAsync());
        var inGrace = await BillingAsync();
        Assert.Contains("data-state=\"InGrace\"", inGrace);
        Assert.Contains("Contract ended on", inGrace);
        Assert.Contains(Start.AddDays(4).ToLocalTime().ToString("D", System.Globalization.CultureInfo.GetCultureInfo("en")), inGrace);
        Assert.Null(await DisabledAsync());
        Assert.Contains("In grace period", WebUtility.HtmlDecode(await browser.GetStringAsync($"/admin/subscriptions/{subscriptionId}")));

        // Past the grace period: disabled, once, with an audit entry; the pages say so.
        clock.Advance(TimeSpan.FromDays(3));
        Assert.Equal((1, 0), await grace.SweepAsync());
        Assert.Equal((0, 0), await grace.SweepAsync());
        Assert.Equal(clock.GetUtcNow(), await DisabledAsync());
        Assert.Contains("data-state=\"Lapsed\"", await BillingAsync());
        Assert.Contains("This organization is disabled", WebUtility.HtmlDecode(await browser.GetStringAsync($"/organizations/{orgId}")));
        Assert.Contains("Organization disabled", WebUtility.HtmlDecode(await browser.GetStringAsync($"/admin/subscriptions/{subscriptionId}")));

        // Renewed on AWS: the entitlement runs again and the mark is lifted.
        await using (var db = app.CreateDbContext())
        {
            await db.Entitlements.Where(e => e.SubscriptionId == subscriptionId).ExecuteUpdateAsync(u => u.SetProperty(e => e.ExpiresAt, clock.GetUtcNow().AddDays(365)));
            Assert.Equal(1, await db.AuditEvents.CountAsync(a => a.Type == "organization.disabled"));
        }
        Assert.Equal((0, 1), await grace.SweepAsync());
        Assert.Null(await DisabledAsync());
        Assert.Contains("data-state=\"Active\"", await BillingAsync());
    }

    [Fact]
    public void A_payg_subscription_or_a_contract_without_an_end_has_no_grace_period()
    {
        var clock = new FakeTimeProvider(Start);
        var grace = new ContractGrace(null!, Microsoft.Extensions.Options.Options.Create(new BillingOptions()), clock,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ContractGrace>.Instance);
        var payg = new MarketplaceSubscription { ProductCode = "p", CustomerAwsAccountId = "1", LicenseArn = "a", OfferType = OfferType.Payg, Status = SubscriptionStatus.Cancelled, EndedAt = Start.AddDays(-100) };
        var open = new MarketplaceSubscription { ProductCode = "p", CustomerAwsAccountId = "1", LicenseArn = "b", OfferType = OfferType.Contract, Status = SubscriptionStatus.Active };
        Assert.Null(grace.Evaluate(payg, []));
        Assert.Null(grace.Evaluate(open, [new SubscriptionEntitlement { Dimension = "seats", ExpiresAt = null }]));
        // A cancelled contract without entitlements ends when AWS ended it.
        var ended = new MarketplaceSubscription { ProductCode = "p", CustomerAwsAccountId = "1", LicenseArn = "c", OfferType = OfferType.Contract, Status = SubscriptionStatus.Cancelled, EndedAt = Start.AddDays(-20) };
        Assert.Equal(GraceKind.Lapsed, grace.Evaluate(ended, [])?.Kind);
    }
}
