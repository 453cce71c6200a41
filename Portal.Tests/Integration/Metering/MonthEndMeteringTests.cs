using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Aws;
using Portal.Metering;
using Portal.Organizations;
using Microsoft.Extensions.Time.Testing;

namespace Portal.Tests.Integration.Metering;

/// <summary>
/// AWS takes a usage hour until 24 hours after it, and a month's usage only until 06:00 UTC on the 1st. A fake clock
/// walks across the November/December boundary, with passes on time, late, and never quite in time.
/// </summary>
public sealed class MonthEndMeteringTests
{
    private static readonly DateTimeOffset Closing = new(2026, 11, 30, 23, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset December = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static MeteringWorker Worker(MeteringWorld w) => w.App.Services.GetRequiredService<MeteringWorker>();

    [Fact]
    public async Task The_closing_hour_of_a_month_that_AWS_throttled_at_midnight_is_still_sent_at_two_in_the_morning()
    {
        await using var world = new MeteringWorld(Closing.AddMinutes(30));
        var customer = (await world.CustomersAsync(1))[0];
        await world.UsageAsync(customer.Id, "requests", 9, Closing.AddMinutes(20));
        world.Clock.Advance(TimeSpan.FromMinutes(30)); // 00:00 on December 1st: the pass on the hour
        world.Aws.ThrottleNext(100);
        await Worker(world).RunPassAsync(full: true);
        world.Aws.ThrottleNext(0);

        world.Clock.Advance(TimeSpan.FromHours(2)); // AWS still takes November until 06:00

        var summary = await Worker(world).RunPassAsync(full: false);

        Assert.Equal((1, 0), (summary.Sent, summary.Expired));
        Assert.Equal(MeteringStatus.Sent, Assert.Single(await world.RecordsAsync()).Status);
        Assert.Equal(9, world.Aws.Metered.Values.Sum(v => v.Quantity));
    }

    [Fact]
    public async Task Usage_of_the_closing_hour_that_arrives_at_half_past_five_is_aggregated_and_sent_before_six()
    {
        await using var world = new MeteringWorld(December.AddMinutes(1));
        var customer = (await world.CustomersAsync(1))[0];
        await Worker(world).RunPassAsync(full: true); // the midnight pass: nothing yet for 23:00
        world.Clock.Advance(new TimeSpan(5, 29, 0));
        await world.UsageAsync(customer.Id, "requests", 4, Closing.AddMinutes(40)); // a late batch job reports

        await Worker(world).RunPassAsync(full: false); // the next minute's light pass, not the 06:00 one

        var record = Assert.Single(await world.RecordsAsync());
        Assert.Equal((MeteringStatus.Sent, Closing), (record.Status, record.HourStart));
    }

    [Fact]
    public async Task A_record_too_close_to_its_cutoff_is_expired_and_alerted_and_never_sinks_its_batch()
    {
        await using var world = new MeteringWorld(December.AddHours(5).AddMinutes(56)); // a pass delayed to 05:56
        var customers = await world.CustomersAsync(3);
        await world.UsageAsync(customers[0].Id, "requests", 5, Closing.AddMinutes(10));
        await world.UsageAsync(customers[1].Id, "requests", 6, December.AddHours(4));
        await world.UsageAsync(customers[2].Id, "requests", 7, December.AddHours(4));
        await world.Aggregator().AggregateAsync();
        var calls = world.Aws.MeteringCallCount;
        // Each call reaches AWS a few minutes after it left, as under throttling: November would arrive after 06:00.
        var slow = new SlowMetering(world.AwsClient(), world.Clock, TimeSpan.FromMinutes(5));

        var summary = await world.Sender(slow).SendDueAsync();

        Assert.Equal((2, 1, 0), (summary.Sent, summary.Expired, summary.Failed));
        Assert.Equal(1, world.Aws.MeteringCallCount - calls); // one batch, accepted whole
        var expired = Assert.Single(await world.RecordsAsync(), r => r.Status == MeteringStatus.Expired);
        Assert.Equal(customers[0].Id, expired.SubscriptionId);
        await using var db = world.Db();
        var alert = await db.AuditEvents.AsNoTracking().SingleAsync(e => e.Type == "subscription.metering-expired");
        Assert.Equal(customers[0].Id, alert.SubscriptionId);
        Assert.Contains(world.App.Logs.Lines, l => l.StartsWith("Error ", StringComparison.Ordinal) && l.Contains("not billed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_usage_API_refuses_usage_that_can_no_longer_be_billed_with_a_problem()
    {
        await using var world = new MeteringWorld(December.AddHours(5).AddMinutes(50)); // AWS cuts November off at 06:00
        var key = await ApiKeyAsync(world);

        var late = await PostAsync(world, key, Closing.AddMinutes(30), "late-1");
        var inTime = await PostAsync(world, key, December.AddHours(5), "ok-1");

        Assert.Equal(HttpStatusCode.UnprocessableContent, late.StatusCode);
        Assert.Equal("application/problem+json", late.Content.Headers.ContentType?.MediaType);
        var problem = await late.Content.ReadAsStringAsync();
        Assert.Contains("too-late-to-bill", problem);
        Assert.Contains("2026-12-01T06:00:00", problem); // names AWS's cutoff
        Assert.Equal(HttpStatusCode.Accepted, inTime.StatusCode);
    }

    private static async Task<string> ApiKeyAsync(MeteringWorld world)
    {
        var subscription = (await world.CustomersAsync(1))[0];
        await using var db = world.Db();
        var org = new Organization { Name = "Acme", CreatedAt = world.Clock.GetUtcNow() };
        db.Organizations.Add(org);
        await db.SaveChangesAsync();
        await db.Subscriptions.Where(s => s.Id == subscription.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.OrganizationId, org.Id));
        return (await world.App.Services.GetRequiredService<ApiKeyService>().CreateAsync(org.Id, "ingest", "test-admin")).PlainKey;
    }

    private static async Task<HttpResponseMessage> PostAsync(MeteringWorld world, string key, DateTimeOffset at, string idempotencyKey)
    {
        using var client = world.App.CreateBrowser();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/usage")
        {
            Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(new { dimension = "requests", quantity = 1, timestamp = at, idempotencyKey }),
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", key);
        return await client.SendAsync(request);
    }

    /// <summary>AWS as seen through a slow network: the clock moves on while the call travels.</summary>
    private sealed class SlowMetering(IAmazonMarketplaceMetering inner, FakeTimeProvider clock, TimeSpan delay) : IAmazonMarketplaceMetering
    {
        public Task<BatchMeterUsageResponse> BatchMeterUsageAsync(BatchMeterUsageRequest request, CancellationToken ct = default)
        {
            clock.Advance(delay);
            return inner.BatchMeterUsageAsync(request, ct);
        }

        public Task<ResolveCustomerResponse> ResolveCustomerAsync(ResolveCustomerRequest request, CancellationToken ct = default) =>
            inner.ResolveCustomerAsync(request, ct);
    }
}
