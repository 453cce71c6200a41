using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Lifecycle;
using Portal.Marketplace.Subscriptions;
using Portal.Metering;
using Portal.Organizations;

namespace Portal.Tests.Integration.Metering;

/// <summary>
/// The end of an agreement: AWS gives one hour after "Purchase Agreement Ended" (SNS: unsubscribe-pending) for the last
/// usage, and "License Deprovisioned" (unsubscribe-success) closes it. Usage recorded before the end must be billed.
/// </summary>
public sealed class AgreementEndMeteringTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 18, 10, 20, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("eventbridge")]
    [InlineData("sns")]
    public async Task Usage_up_to_the_end_is_accepted_and_sent_at_once_and_nothing_after_the_end(string source)
    {
        await using var world = new MeteringWorld(Start);
        var (subscription, organizationId) = await LinkedCustomerAsync(world);
        var recorder = world.App.Services.GetRequiredService<IUsageRecorder>();
        await recorder.RecordAsync(organizationId, new("requests", 3, Start.AddMinutes(-50), "a")); // 09:30, a closed hour
        await recorder.RecordAsync(organizationId, new("requests", 4, Start.AddMinutes(-10), "b")); // the running hour

        await ReceiveAsync(world, subscription, source, ending: true); // the end, at 10:20
        world.Clock.Advance(TimeSpan.FromMinutes(5));
        var before = await recorder.RecordAsync(organizationId, new("requests", 5, Start.AddMinutes(-2), "c")); // reported late, used before the end
        var after = await recorder.RecordAsync(organizationId, new("requests", 6, Start.AddMinutes(2), "d"));   // used after the end

        await world.App.Services.GetRequiredService<MeteringWorker>().RunPassAsync(full: false); // the next minute, not the next hour

        Assert.Equal(UsageOutcome.Recorded, before.Outcome);
        Assert.Equal(UsageOutcome.SubscriptionEnded, after.Outcome);
        Assert.Equal(SubscriptionStatus.PendingCancellation, await StatusAsync(world, subscription.Id));
        var records = (await world.RecordsAsync()).OrderBy(r => r.HourStart).ToList();
        Assert.Equal([3L, 9L], records.Select(r => r.Quantity));
        Assert.All(records, r => Assert.Equal(MeteringStatus.Sent, r.Status));

        world.Clock.Advance(TimeSpan.FromMinutes(50));
        await ReceiveAsync(world, subscription, source, ending: false); // deprovisioned: the window is closed
        Assert.Equal(SubscriptionStatus.Cancelled, await StatusAsync(world, subscription.Id));
        Assert.Equal(UsageOutcome.SubscriptionEnded, (await recorder.RecordAsync(organizationId, new("requests", 1, Start.AddMinutes(-1), "e"))).Outcome);
    }

    [Fact]
    public async Task Usage_still_pending_when_the_license_is_deprovisioned_is_sent_at_once()
    {
        await using var world = new MeteringWorld(Start);
        var (subscription, organizationId) = await LinkedCustomerAsync(world);
        var recorder = world.App.Services.GetRequiredService<IUsageRecorder>();
        await recorder.RecordAsync(organizationId, new("requests", 8, Start.AddMinutes(-5), "a"));
        await ReceiveAsync(world, subscription, "sns", ending: false); // unsubscribe-success with no pending before it

        await world.App.Services.GetRequiredService<MeteringWorker>().RunPassAsync(full: false);

        var record = Assert.Single(await world.RecordsAsync());
        Assert.Equal((8L, MeteringStatus.Sent), (record.Quantity, record.Status));
    }

    [Theory]
    [InlineData("Purchase Agreement Ended - Manufacturer", "CANCELLED", LifecycleAction.UnsubscribePending)]
    [InlineData("Purchase Agreement Ended - Proposer", "EXPIRED", LifecycleAction.UnsubscribePending)]
    [InlineData("License Deprovisioned - Manufacturer", "ACTIVE", LifecycleAction.UnsubscribeSuccess)]
    public void An_ended_agreement_opens_the_final_window_and_a_deprovisioned_license_closes_it(string detailType, string status, LifecycleAction expected)
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["version"] = "0", ["id"] = "e1", ["detail-type"] = detailType, ["source"] = "aws.agreement-marketplace", ["time"] = "2026-11-18T10:20:00Z",
            ["detail"] = new Dictionary<string, object>
            {
                ["agreement"] = new Dictionary<string, object> { ["id"] = "agmt-1", ["status"] = status, ["acceptor"] = new { accountId = "123456789012" } },
                ["product"] = new { code = MeteringWorld.Product },
            },
        });

        var parsed = AgreementEvent.Parse(JsonDocument.Parse(json).RootElement, Start);

        Assert.Equal(expected, parsed?.Notification?.Action);
    }

    private static async Task ReceiveAsync(MeteringWorld world, MarketplaceSubscription s, string source, bool ending)
    {
        var lifecycle = world.App.Services.GetRequiredService<LifecycleService>();
        await lifecycle.ReceiveAsync(new MarketplaceNotification
        {
            MessageId = $"{source}:{Guid.NewGuid()}", Source = source, ProductCode = s.ProductCode, LicenseArn = s.LicenseArn,
            CustomerAwsAccountId = s.CustomerAwsAccountId, ReceivedAt = world.Clock.GetUtcNow(),
            Action = ending ? LifecycleAction.UnsubscribePending : LifecycleAction.UnsubscribeSuccess,
        });
    }

    private static async Task<(MarketplaceSubscription, Guid)> LinkedCustomerAsync(MeteringWorld world)
    {
        var subscription = (await world.CustomersAsync(1))[0];
        await using var db = world.Db();
        var org = new Organization { Name = "Acme", CreatedAt = world.Clock.GetUtcNow() };
        db.Organizations.Add(org);
        await db.SaveChangesAsync();
        await db.Subscriptions.Where(s => s.Id == subscription.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.OrganizationId, org.Id));
        return (subscription, org.Id);
    }

    private static async Task<SubscriptionStatus> StatusAsync(MeteringWorld world, Guid id)
    {
        await using var db = world.Db();
        return (await db.Subscriptions.AsNoTracking().SingleAsync(s => s.Id == id)).Status;
    }
}
