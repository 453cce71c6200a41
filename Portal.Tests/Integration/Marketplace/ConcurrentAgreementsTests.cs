using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Marketplace.Lifecycle;
using Portal.Marketplace.Simulator;
using Portal.Marketplace.Subscriptions;
using Portal.Metering;
using Portal.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Marketplace;

/// <summary>
/// Concurrent Agreements: one AWS account holds two purchases of one product. Each is its own subscription (keyed by
/// its license), links to its own organization, is metered under its own license and gets only its own lifecycle
/// news. "One PAYG subscription per account" still holds, in the database, for a listing without the setting.
/// </summary>
public sealed class ConcurrentAgreementsTests
{
    private const string Account = "510000000001";

    private static async Task<(PortalAppFactory App, PostgresDatabase? Pg)> AppAsync(string provider, bool concurrent)
    {
        var pg = provider == "Postgres" ? await PostgresDatabase.CreateAsync() : null;
        var app = new PortalAppFactory(new Dictionary<string, string?>
        {
            ["Metering:Enabled"] = "false", ["Marketplace:Products:0:ConcurrentAgreements"] = concurrent ? "true" : "false",
        }, pg?.ConnectionString);
        _ = app.BaseAddress;
        return (app, pg);
    }

    /// <summary>Two purchases made on the simulator's page by one account, each landed like AWS's button.</summary>
    private static async Task<List<MarketplaceSubscription>> TwoPurchasesAsync(PortalAppFactory app)
    {
        var tokens = app.Services.GetRequiredService<SimulatorTokens>();
        foreach (var second in new[] { false, true })
        {
            using var browser = app.CreateBrowser();
            var token = tokens.Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, Account, newAgreement: second);
            var response = await browser.PostAsync("/marketplace/landing", new FormUrlEncodedContent([new("x-amzn-marketplace-token", token)]));
            Assert.Equal(303, (int)response.StatusCode);
        }
        await using var db = app.CreateDbContext();
        return await db.Subscriptions.AsNoTracking().OrderBy(s => s.CreatedAt).ToListAsync();
    }

    private static async Task<Guid> OrganizationAsync(PortalDbContext db, string name)
    {
        var o = new Organization { Name = name, CreatedAt = DateTimeOffset.UtcNow };
        db.Organizations.Add(o);
        await db.SaveChangesAsync();
        return o.Id;
    }

    private static Task<int> LinkAsync(PortalDbContext db, Guid subscription, Guid organization) =>
        db.Subscriptions.Where(s => s.Id == subscription).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.OrganizationId, organization).SetProperty(s => s.Status, SubscriptionStatus.Active));

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Two_agreements_of_one_account_are_two_subscriptions_linked_metered_and_ended_apart(string provider)
    {
        var (app, pg) = await AppAsync(provider, concurrent: true);
        await using var _ = app;
        await using var __ = pg;
        var subscriptions = await TwoPurchasesAsync(app);

        Assert.Equal(2, subscriptions.Count);
        Assert.All(subscriptions, s => Assert.True(s.ConcurrentAgreements));
        Assert.NotEqual(subscriptions[0].LicenseArn, subscriptions[1].LicenseArn);
        Assert.All(subscriptions, s => Assert.Equal(Account, s.CustomerAwsAccountId));

        // Each purchase links to its own organization: the database takes both.
        var orgs = new List<Guid>();
        await using (var db = app.CreateDbContext())
        {
            foreach (var (s, i) in subscriptions.Select((s, i) => (s, i)))
            {
                var org = await OrganizationAsync(db, $"Team {i}");
                Assert.Equal(1, await LinkAsync(db, s.Id, org));
                orgs.Add(org);
            }
        }

        // Usage of each organization is billed under its own license.
        var recorder = app.Services.GetRequiredService<IUsageRecorder>();
        var hour = MeteringClock.HourOf(DateTimeOffset.UtcNow).AddHours(-1);
        Assert.Equal(UsageOutcome.Recorded, (await recorder.RecordAsync(orgs[0], new UsageInput("requests", 3, hour.AddMinutes(5), "a"))).Outcome);
        Assert.Equal(UsageOutcome.Recorded, (await recorder.RecordAsync(orgs[1], new UsageInput("requests", 7, hour.AddMinutes(6), "b"))).Outcome);
        await app.Services.GetRequiredService<MeteringAggregator>().AggregateAsync();
        var summary = await app.Services.GetRequiredService<MeteringSender>().SendDueAsync();
        Assert.Equal(2, summary.Sent);
        var metered = app.Services.GetRequiredService<SimulatorState>().Metered;
        Assert.Equal(3, metered.Single(m => m.Key.Contains(subscriptions[0].LicenseArn!, StringComparison.Ordinal)).Value.Quantity);
        Assert.Equal(7, metered.Single(m => m.Key.Contains(subscriptions[1].LicenseArn!, StringComparison.Ordinal)).Value.Quantity);

        // AWS ends the first purchase: the second one stays as it was.
        var lifecycle = app.Services.GetRequiredService<LifecycleService>();
        Assert.Equal(NotificationResult.Applied, await lifecycle.ReceiveAsync(new MarketplaceNotification
        {
            MessageId = Guid.NewGuid().ToString(), Source = "eventbridge", Action = LifecycleAction.UnsubscribeSuccess,
            ProductCode = PortalAppFactory.PaygProduct, CustomerAwsAccountId = Account, LicenseArn = subscriptions[0].LicenseArn,
            ReceivedAt = DateTimeOffset.UtcNow,
        }));
        await using var check = app.CreateDbContext();
        var after = await check.Subscriptions.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Status);
        Assert.Equal(SubscriptionStatus.Cancelled, after[subscriptions[0].Id]);
        Assert.Equal(SubscriptionStatus.Active, after[subscriptions[1].Id]);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task A_listing_without_concurrent_agreements_keeps_one_linked_payg_subscription_per_account_in_the_database(string provider)
    {
        var (app, pg) = await AppAsync(provider, concurrent: false);
        await using var _ = app;
        await using var __ = pg;
        var subscriptions = await TwoPurchasesAsync(app);
        Assert.All(subscriptions, s => Assert.False(s.ConcurrentAgreements));

        await using var db = app.CreateDbContext();
        Assert.Equal(1, await LinkAsync(db, subscriptions[0].Id, await OrganizationAsync(db, "First")));
        var second = await OrganizationAsync(db, "Second");
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => LinkAsync(db, subscriptions[1].Id, second));
        Assert.True(DbErrors.IsUniqueViolation(refused), refused.ToString());
    }

    [Fact]
    public async Task A_kept_message_naming_only_the_account_is_not_given_to_either_of_two_live_agreements()
    {
        var (app, pg) = await AppAsync("Sqlite", concurrent: true);
        await using var _ = app;
        await using var __ = pg;
        var subscriptions = await TwoPurchasesAsync(app);
        var lifecycle = app.Services.GetRequiredService<LifecycleService>();
        // Names the account only, which holds two live purchases: kept, for neither.
        Assert.Equal(NotificationResult.Deferred, await lifecycle.ReceiveAsync(new MarketplaceNotification
        {
            MessageId = "account-only-1", Source = "sns", Action = LifecycleAction.UnsubscribePending, ProductCode = PortalAppFactory.PaygProduct,
            CustomerAwsAccountId = Account, ReceivedAt = DateTimeOffset.UtcNow,
        }));
        // A License event links the second purchase to its agreement, and so applies what was kept for it: not that one.
        Assert.Equal(NotificationResult.Applied, await lifecycle.ReceiveAsync(new MarketplaceNotification
        {
            MessageId = "license-updated-1", Source = "eventbridge", Action = LifecycleAction.EntitlementUpdated, ProductCode = PortalAppFactory.PaygProduct,
            LicenseArn = subscriptions[1].LicenseArn, AgreementId = "agmt-second0000000000000001", ReceivedAt = DateTimeOffset.UtcNow,
        }));

        await using var db = app.CreateDbContext();
        Assert.All(await db.Subscriptions.AsNoTracking().ToListAsync(), s => Assert.Equal(SubscriptionStatus.Pending, s.Status));
        Assert.Null((await db.MarketplaceNotifications.AsNoTracking().SingleAsync(n => n.MessageId == "account-only-1")).SubscriptionId);
        Assert.Equal(2, subscriptions.Count);
    }
}
