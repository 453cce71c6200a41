using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Marketplace.Aws;
using Portal.Metering;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Metering;

/// <summary>
/// Two instances on one database: a sender whose lease was taken over while AWS throttled it writes nothing.
/// </summary>
public sealed class MeteringFencingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 18, 10, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task A_sender_whose_lease_was_taken_over_during_a_throttled_round_stores_nothing(string provider)
    {
        await using var pg = provider == "Postgres" ? await PostgresDatabase.CreateAsync() : null;
        await using var world = new MeteringWorld(Now, pg?.ConnectionString);
        var customers = await world.CustomersAsync(3);
        foreach (var c in customers) await world.UsageAsync(c.Id, "requests", 2, Now.AddHours(-1));
        await world.Aggregator().AggregateAsync();
        var mine = world.App.Services.GetRequiredService<LeaseService>();
        var factory = world.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        Assert.True(await mine.TryAcquireAsync(MeteringWorker.LeaseName, TimeSpan.FromMinutes(2)));
        var fence = mine.Fence(MeteringWorker.LeaseName)!;
        var other = new LeaseService(factory, world.Clock);
        // AWS throttles long enough for the lease to lapse, and the other instance takes it over before the answer.
        var slow = new TakeoverDuringCall(world.AwsClient(), () =>
        {
            world.Clock.Advance(TimeSpan.FromMinutes(3));
            Assert.True(other.TryAcquireAsync(MeteringWorker.LeaseName, TimeSpan.FromMinutes(2)).GetAwaiter().GetResult());
        });

        await world.Sender(slow).SendDueAsync(fenced: (db, c) => mine.HoldsAsync(db, fence, TimeSpan.FromMinutes(2), c));

        var records = await world.RecordsAsync();
        Assert.All(records, r => Assert.Equal((MeteringStatus.Sending, 0, (string?)null), (r.Status, r.Attempts, r.AwsMeteringRecordId)));
        // The new holder re-sends them unchanged: AWS answers as for the first call, each billed once.
        Assert.Equal(3, (await world.Sender().SendDueAsync()).Sent);
        Assert.Equal(3, world.Aws.MeteredCount);
    }

    private sealed class TakeoverDuringCall(IAmazonMarketplaceMetering inner, Action during) : IAmazonMarketplaceMetering
    {
        public async Task<BatchMeterUsageResponse> BatchMeterUsageAsync(BatchMeterUsageRequest request, CancellationToken ct = default)
        {
            var answer = await inner.BatchMeterUsageAsync(request, ct);
            during();
            return answer;
        }

        public Task<ResolveCustomerResponse> ResolveCustomerAsync(ResolveCustomerRequest request, CancellationToken ct = default) => inner.ResolveCustomerAsync(request, ct);
    }
}
