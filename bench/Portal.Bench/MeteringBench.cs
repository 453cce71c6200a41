using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Simulator;
using Portal.Marketplace.Subscriptions;
using Portal.Metering;

namespace Portal.Bench;

/// <summary>
/// n hourly records (customers × 25 dimensions, one hour) from usage events to AWS: aggregation, then sending with
/// BatchMeterUsage to the simulator over loopback HTTP with SigV4, as in production.
/// </summary>
public static class MeteringBench
{
    public static async Task<List<(string Measure, string Value)>> RunAsync(int records, string? postgres)
    {
        await using var portal = new BenchPortal(new Dictionary<string, string?> { ["Metering:Enabled"] = "false" }, postgres);
        portal.StartServer();
        var aws = portal.Services.GetRequiredService<SimulatorState>();
        var time = portal.Services.GetRequiredService<TimeProvider>();
        var hour = MeteringClock.HourOf(time.GetUtcNow()).AddHours(-1);
        var customers = (records + 24) / 25;

        var seed = Stopwatch.StartNew();
        var subscriptions = new List<MarketplaceSubscription>();
        await using (var db = portal.Db())
        {
            for (var i = 0; i < customers; i++)
            {
                var account = (500_000_000_000L + i).ToString();
                var arn = $"arn:aws:license-manager::{account}:license:l-{Guid.NewGuid():N}";
                aws.AddLicense(new SimulatorState.License(BenchPortal.Product, account, arn, "c" + account, SimulatedOffer.Payg, hour.AddYears(1)));
                subscriptions.Add(new MarketplaceSubscription
                {
                    ProductCode = BenchPortal.Product, CustomerAwsAccountId = account, LicenseArn = arn, OfferType = OfferType.Payg,
                    Status = SubscriptionStatus.Active, CreatedAt = hour, UpdatedAt = hour,
                });
            }
            db.Subscriptions.AddRange(subscriptions);
            await db.SaveChangesAsync();
        }
        var made = 0;
        foreach (var chunk in subscriptions.Chunk(400))
        {
            await using var db = portal.Db();
            foreach (var s in chunk)
                for (var d = 0; d < 25 && made < records; d++, made++)
                    db.UsageEvents.Add(new UsageEvent
                    {
                        SubscriptionId = s.Id, Dimension = $"dim{d}", Quantity = 1 + d, OccurredAt = hour.AddMinutes(d), ReceivedAt = hour.AddMinutes(d),
                        IdempotencyKey = $"{s.Id:N}-{d}", Source = "bench",
                    });
            await db.SaveChangesAsync();
        }
        seed.Stop();

        using var scope = portal.Services.CreateScope();
        var aggregate = Stopwatch.StartNew();
        var events = await scope.ServiceProvider.GetRequiredService<MeteringAggregator>().AggregateAsync();
        aggregate.Stop();
        var callsBefore = aws.MeteringCallCount;
        var send = Stopwatch.StartNew();
        var summary = await scope.ServiceProvider.GetRequiredService<MeteringSender>().SendDueAsync();
        send.Stop();
        var calls = aws.MeteringCallCount - callsBefore;

        return
        [
            ("records (customers × 25 dimensions, one hour)", $"{made:N0}"),
            ("usage events aggregated", $"{events:N0} in {aggregate.Elapsed.TotalSeconds:F2} s ({events / aggregate.Elapsed.TotalSeconds:N0}/s)"),
            ("BatchMeterUsage calls (expected ceil(n/25))", $"{calls:N0} (expected {(made + 24) / 25:N0})"),
            ("records sent", $"{summary.Sent:N0} in {send.Elapsed.TotalSeconds:F2} s"),
            ("metering throughput (send)", $"{summary.Sent / send.Elapsed.TotalSeconds:N0} records/s"),
            ("end to end (aggregate + send)", $"{made / (aggregate.Elapsed + send.Elapsed).TotalSeconds:N0} records/s"),
            ("records AWS holds afterwards", $"{aws.MeteredCount:N0}"),
            ("seeding (not measured above)", $"{seed.Elapsed.TotalSeconds:F1} s"),
        ];
    }
}
