using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Admin;
using Portal.Marketplace.Aws;
using Portal.Metering;
using Portal.Tests.Integration.Admin;

namespace Portal.Tests.Integration.Metering;

/// <summary>DuplicateRecord: AWS kept the quantity it already had and did not bill ours. That is revenue not collected.</summary>
public sealed class DuplicateRecordTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 18, 10, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_duplicate_is_not_billed_and_is_counted_alerted_and_listed_for_the_operator()
    {
        await using var world = new MeteringWorld(Now, settings: new Dictionary<string, string?>
        {
            ["Admin:Emails:0"] = "admin@example.com",
            ["Webhooks:Url"] = "http://127.0.0.1:9/hooks", ["Webhooks:Secret"] = "webhook-secret-0123456789abcdef0123456789",
        });
        var (known, fine) = (await world.CustomersAsync(2)) switch { var l => (l[0], l[1]) };
        var hour = MeteringClock.HourOf(Now.AddHours(-1));
        world.Aws.Meter(MeteringWorld.Product, new UsageRecord { LicenseArn = known.LicenseArn, CustomerAWSAccountId = known.CustomerAwsAccountId,
            Dimension = "requests", Quantity = 999, Timestamp = hour }); // AWS already holds another quantity
        await world.UsageAsync(known.Id, "requests", 5, hour);
        await world.UsageAsync(fine.Id, "requests", 6, hour);
        await world.Aggregator().AggregateAsync();
        using var unbilled = new UnbilledListener(world.App.Services.GetRequiredService<IMeterFactory>());

        var summary = await world.Sender().SendDueAsync();

        Assert.Equal((1, 1), (summary.Sent, summary.Duplicate));
        var records = (await world.RecordsAsync()).ToDictionary(r => r.SubscriptionId);
        Assert.Equal(MeteringStatus.Duplicate, records[known.Id].Status);
        Assert.Null(records[known.Id].SentAt); // not treated as sent
        Assert.Contains("Not billed", records[known.Id].LastError);
        // Only this portal's meter is listened to (its IMeterFactory), whatever other tests meter meanwhile.
        Assert.Equal([("portal.metering.unbilled", 1L, "duplicate"), ("portal.metering.unbilled.quantity", 5L, "duplicate")], unbilled.Seen);
        await using (var db = world.Db())
        {
            var alert = await db.AuditEvents.AsNoTracking().SingleAsync(e => e.Type == MeteringSender.DuplicateEvent);
            Assert.Equal(known.Id, alert.SubscriptionId);
            Assert.Equal(1, await db.Set<Portal.Webhooks.WebhookDelivery>().CountAsync(d => d.EventType == MeteringSender.DuplicateEvent && d.SubscriptionId == known.Id));
        }
        var admin = await AdminTestData.CreateUserAsync(world.App, "admin@example.com");
        await world.App.Services.GetRequiredService<AdminGrants>().EnsureConfiguredAsync(admin);
        await using var scope = AdminTestData.ScopeAs(world.App, admin.Id);
        var attention = scope.ServiceProvider.GetRequiredService<MeteringAttention>();
        var page = await attention.NeedsAttentionAsync(0, 50);
        Assert.Equal(known.Id, Assert.Single(page.Items).SubscriptionId);
        Assert.Equal(new UnbilledTotal(MeteringStatus.Duplicate, 1, 5), Assert.Single(await attention.TotalsAsync()));
    }

    /// <summary>Listens to this portal's own "portal.metering.unbilled" counters (the meter its IMeterFactory made).</summary>
    private sealed class UnbilledListener : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly System.Collections.Concurrent.ConcurrentQueue<(string, long, string?)> seen = new();
        public IReadOnlyCollection<(string Name, long Value, string? Reason)> Seen => seen;

        public UnbilledListener(IMeterFactory factory)
        {
            listener.InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == MeteringMetrics.MeterName && ReferenceEquals(i.Meter.Scope, factory) && i.Name.StartsWith("portal.metering.unbilled", StringComparison.Ordinal))
                    l.EnableMeasurementEvents(i);
            };
            listener.SetMeasurementEventCallback<long>((i, v, tags, _) =>
            {
                string? reason = null;
                foreach (var t in tags) if (t.Key == "reason") reason = t.Value as string;
                seen.Enqueue((i.Name, v, reason));
            });
            listener.Start();
        }

        public void Dispose() => listener.Dispose();
    }
}
