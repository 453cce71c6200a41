using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Marketplace.Aws;
using Portal.Marketplace.Simulator;
using Portal.Marketplace.Subscriptions;
using Portal.Metering;
using Portal.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Portal.Tests.Integration.Metering;

/// <summary>
/// Two portal instances on one PostgreSQL database meter at once against an AWS that throttles and answers slowly,
/// while usage keeps arriving on both: leases change hands mid-round, one instance aggregates while the other freezes
/// and sends. Every unit of usage is billed exactly once: none lost, none sent twice, no DuplicateRecord.
/// </summary>
public sealed class TwoInstanceMeteringTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 18, 10, 30, 0, TimeSpan.Zero);

    /// <summary>
    /// AWS as the simulator keeps it (one record per customer, dimension and hour; another quantity is a DuplicateRecord),
    /// shared by both instances: every second call is throttled, each call takes a moment, and every third one lasts
    /// past the metering lease (the clock moves on), so the lease changes hands during rounds.
    /// </summary>
    private sealed class ThrottlingAws(SimulatorState state, FakeTimeProvider clock, TimeSpan lease) : IAmazonMarketplaceMetering
    {
        private int calls;
        public int Throttled;
        public SimulatorState State => state;

        public async Task<BatchMeterUsageResponse> BatchMeterUsageAsync(BatchMeterUsageRequest request, CancellationToken ct = default)
        {
            var n = Interlocked.Increment(ref calls);
            await Task.Delay(TimeSpan.FromMilliseconds(15), ct);
            if (n % 3 == 0) clock.Advance(lease + TimeSpan.FromSeconds(1));
            if (n % 2 == 0)
            {
                Interlocked.Increment(ref Throttled);
                throw new ThrottlingException("Rate exceeded.", HttpStatusCode.BadRequest, null);
            }
            var response = new BatchMeterUsageResponse();
            lock (state)
                foreach (var r in request.UsageRecords)
                {
                    var (status, id) = state.Meter(request.ProductCode, r);
                    response.Results.Add(new UsageRecordResult { UsageRecord = r, Status = status, MeteringRecordId = id });
                }
            return response;
        }

        public Task<ResolveCustomerResponse> ResolveCustomerAsync(ResolveCustomerRequest request, CancellationToken ct = default) =>
            throw new NotSupportedException("Not part of this test.");
    }

    [Fact]
    public async Task Two_instances_metering_at_once_against_a_throttling_aws_bill_every_unit_exactly_once()
    {
        await using var pg = await PostgresDatabase.CreateAsync();
        var clock = new FakeTimeProvider(Now);
        var lease = TimeSpan.FromSeconds(30);
        var aws = new ThrottlingAws(new SimulatorState(clock), clock, lease);
        var settings = new Dictionary<string, string?>
        {
            ["Metering:Enabled"] = "false", ["Metering:LeaseDuration"] = "00:00:30", ["Metering:RetryBaseDelay"] = "00:00:01",
            ["Metering:MaxRetryDelay"] = "00:00:05", ["Metering:Concurrency"] = "2",
        };
        void Services(IServiceCollection s)
        {
            s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock));
            s.Replace(ServiceDescriptor.Singleton<IAmazonMarketplaceMetering>(aws));
        }
        await using var a = new PortalAppFactory(settings, pg.ConnectionString, Services);
        _ = a.BaseAddress;
        await using var b = new PortalAppFactory(settings, pg.ConnectionString, Services);
        _ = b.BaseAddress;

        var subscriptions = new List<Guid>();
        await using (var db = a.CreateDbContext())
        {
            for (var i = 0; i < 40; i++)
            {
                var account = "64" + i.ToString("D10");
                var s = new MarketplaceSubscription
                {
                    ProductCode = PortalAppFactory.PaygProduct, CustomerAwsAccountId = account, OfferType = OfferType.Payg, Status = SubscriptionStatus.Active,
                    LicenseArn = $"arn:aws:license-manager::{account}:license:l-{Guid.NewGuid():N}", CreatedAt = Now, UpdatedAt = Now,
                };
                db.Subscriptions.Add(s);
                subscriptions.Add(s.Id);
            }
            await db.SaveChangesAsync();
        }

        // Usage of the closed hour keeps arriving on both instances while both run metering passes.
        long reported = 0;
        async Task ReportAsync(PortalAppFactory app, string side)
        {
            for (var round = 0; round < 6; round++)
            {
                await using var db = app.CreateDbContext();
                foreach (var (s, i) in subscriptions.Select((s, i) => (s, i)))
                {
                    var q = 1 + (i + round) % 5;
                    db.UsageEvents.Add(new UsageEvent
                    {
                        SubscriptionId = s, Dimension = i % 2 == 0 ? "requests" : "hosts", Quantity = q, OccurredAt = Now.AddHours(-1 - round % 3).AddMinutes(-(i % 25)),
                        ReceivedAt = clock.GetUtcNow(), IdempotencyKey = $"{side}-{round}-{i}", Source = "host",
                    });
                    Interlocked.Add(ref reported, q);
                }
                await db.SaveChangesAsync();
                await Task.Delay(TimeSpan.FromMilliseconds(20));
            }
        }
        async Task MeterAsync(PortalAppFactory app)
        {
            var leases = app.Services.GetRequiredService<LeaseService>();
            var worker = app.Services.GetRequiredService<MeteringWorker>();
            for (var pass = 0; pass < 12; pass++)
            {
                if (await leases.TryAcquireAsync(MeteringWorker.LeaseName, lease)) await worker.RunPassAsync(full: true);
                await Task.Delay(TimeSpan.FromMilliseconds(10));
            }
        }
        await Task.WhenAll(ReportAsync(a, "a"), ReportAsync(b, "b"), MeterAsync(a), MeterAsync(b)).WaitAsync(TimeSpan.FromMinutes(3));

        // Then time moves on (late usage went to a later, still open hour) and passes run until nothing is left to send.
        for (var pass = 0; pass < 40 && await OutstandingAsync(a) > 0; pass++)
        {
            clock.Advance(TimeSpan.FromMinutes(20));
            var app = pass % 2 == 0 ? a : b;
            if (await app.Services.GetRequiredService<LeaseService>().TryAcquireAsync(MeteringWorker.LeaseName, lease))
                await app.Services.GetRequiredService<MeteringWorker>().RunPassAsync(full: true);
        }

        Assert.True(aws.Throttled > 2, $"throttled {aws.Throttled}");
        await using var check = a.CreateDbContext();
        Assert.Equal(0, await check.UsageEvents.CountAsync(e => e.BatchId == null));
        var records = await check.MeteringRecords.AsNoTracking().ToListAsync();
        Assert.All(records, r => Assert.Equal(MeteringStatus.Sent, r.Status));
        Assert.Equal(reported, records.Sum(r => r.Quantity));
        Assert.Equal(reported, await check.UsageEvents.SumAsync(e => e.Quantity));
        // What AWS holds is what was reported: each record once, with the quantity it was frozen with.
        Assert.Equal(records.Count, aws.State.MeteredCount);
        Assert.Equal(reported, aws.State.Metered.Values.Sum(v => (long)v.Quantity));
    }

    private static async Task<int> OutstandingAsync(PortalAppFactory app)
    {
        await using var db = app.CreateDbContext();
        return await db.MeteringRecords.CountAsync(r => r.Status == MeteringStatus.Pending || r.Status == MeteringStatus.Sending)
            + await db.UsageEvents.CountAsync(e => e.BatchId == null);
    }
}
