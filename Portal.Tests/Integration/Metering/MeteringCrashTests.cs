using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Aws;
using Portal.Metering;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Metering;

/// <summary>
/// A kill between AWS accepting a batch and the portal saving the answer: after a restart the records, frozen before
/// the call, are sent again unchanged; AWS (here the simulator, which models its documented idempotency) answers
/// Success with the same MeteringRecordId, so nothing is billed twice and nothing is lost.
/// </summary>
public sealed class MeteringCrashTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 18, 10, 30, 0, TimeSpan.Zero);

    private sealed class KilledAfterCall(IAmazonMarketplaceMetering inner) : IAmazonMarketplaceMetering
    {
        public Task<ResolveCustomerResponse> ResolveCustomerAsync(ResolveCustomerRequest request, CancellationToken ct = default) =>
            inner.ResolveCustomerAsync(request, ct);

        public async Task<BatchMeterUsageResponse> BatchMeterUsageAsync(BatchMeterUsageRequest request, CancellationToken ct = default)
        {
            await inner.BatchMeterUsageAsync(request, ct); // AWS has it...
            throw new ProcessKilled();                    // ...and the process dies before saving
        }
    }

    private sealed class ProcessKilled : Exception;

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task A_crash_between_sending_and_saving_neither_loses_nor_double_bills_after_restart(string provider)
    {
        await using var pg = provider == "Postgres" ? await PostgresDatabase.CreateAsync() : null;
        await using var world = new MeteringWorld(Now, pg?.ConnectionString);
        var customers = await world.CustomersAsync(30);
        foreach (var c in customers) await world.UsageAsync(c.Id, "requests", 4, Now.AddHours(-1));
        await world.Aggregator().AggregateAsync();

        await Assert.ThrowsAsync<ProcessKilled>(() => world.Sender(new KilledAfterCall(world.AwsClient())).SendDueAsync());
        var afterCrash = await world.RecordsAsync();
        Assert.Equal(30, world.Aws.MeteredCount);                                  // AWS took both batches (sent side by side)
        Assert.All(afterCrash, r => Assert.Equal(MeteringStatus.Sending, r.Status)); // frozen, answer not saved
        var firstIds = world.Aws.Metered.ToDictionary(kv => kv.Key, kv => kv.Value.Id);
        // New usage for that hour after the crash cannot change a frozen record.
        await world.UsageAsync(customers[0].Id, "requests", 6, Now.AddHours(-1).AddMinutes(3));

        // Restart: a new sender over the same database.
        await world.Aggregator().AggregateAsync();
        world.Clock.Advance(TimeSpan.FromHours(1));
        await world.Aggregator().AggregateAsync();
        var summary = await world.Sender().SendDueAsync();

        var records = await world.RecordsAsync();
        Assert.Equal(31, records.Count);
        Assert.All(records, r => Assert.Equal(MeteringStatus.Sent, r.Status));
        Assert.Equal(31, world.Aws.MeteredCount);                                 // 30 customers' hour + the late usage's hour
        Assert.Equal(30 * 4 + 6, world.Aws.Metered.Values.Sum(v => v.Quantity)); // every unit once
        foreach (var (key, id) in firstIds) Assert.Equal(id, world.Aws.Metered[key].Id); // the resent records are AWS's same records
        Assert.Equal(0, summary.Duplicate);
        await using var db = world.Db();
        Assert.Equal(0, await db.UsageEvents.CountAsync(e => e.BatchId == null)); // every event counted
    }

    [Fact]
    public async Task Only_one_instance_holds_the_metering_lease_until_it_expires()
    {
        await using var world = new MeteringWorld(Now);
        var factory = world.App.Services.GetRequiredService<IDbContextFactory<Portal.Data.PortalDbContext>>();
        var a = new LeaseService(factory, world.Clock);
        var b = new LeaseService(factory, world.Clock);

        Assert.True(await a.TryAcquireAsync("metering", TimeSpan.FromMinutes(2)));
        Assert.False(await b.TryAcquireAsync("metering", TimeSpan.FromMinutes(2)));
        Assert.True(await a.TryAcquireAsync("metering", TimeSpan.FromMinutes(2))); // renewal
        world.Clock.Advance(TimeSpan.FromMinutes(3));                              // a crashed without releasing
        Assert.True(await b.TryAcquireAsync("metering", TimeSpan.FromMinutes(2)));
        Assert.False(await a.TryAcquireAsync("metering", TimeSpan.FromMinutes(2)));
    }
}
