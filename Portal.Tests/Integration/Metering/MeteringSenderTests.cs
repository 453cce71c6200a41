using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Aws;
using Portal.Metering;

namespace Portal.Tests.Integration.Metering;

/// <summary>Usage → hourly records → BatchMeterUsage against the simulator, on a real SQLite file.</summary>
public sealed class MeteringSenderTests : IAsyncLifetime
{
    // Mid-month, mid-hour: the month-end rule plays no part unless a test moves the clock there.
    private static readonly DateTimeOffset Now = new(2026, 11, 18, 10, 30, 0, TimeSpan.Zero);
    private MeteringWorld world = null!;

    // Generous per attempt: these tests count calls, and a busy CI machine must not turn a slow answer into a retry.
    public Task InitializeAsync()
    {
        world = new MeteringWorld(Now, settings: PatientCalls());
        return Task.CompletedTask;
    }

    private static Dictionary<string, string?> PatientCalls() => new()
    {
        ["Marketplace:Calls:AttemptTimeout"] = "00:00:10", ["Marketplace:Calls:MaxTotalTime"] = "00:00:30",
    };
    public async Task DisposeAsync() => await world.DisposeAsync();

    [Fact]
    public async Task A_thousand_hourly_records_go_in_exactly_forty_calls_and_each_is_billed_once()
    {
        var customers = await world.CustomersAsync(40);
        foreach (var c in customers)
            for (var d = 0; d < 25; d++)
                await world.UsageAsync(c.Id, $"dim{d}", 3, Now.AddHours(-1));
        // Two events of the same hour make one record: the hour's sum.
        await world.UsageAsync(customers[0].Id, "dim0", 4, Now.AddHours(-1).AddMinutes(5));

        Assert.Equal(1001, await world.Aggregator().AggregateAsync());
        var calls = world.Aws.MeteringCallCount;
        var summary = await world.Sender().SendDueAsync();

        // A retried attempt (a slow answer under load) shows in the log; say so rather than only count.
        Assert.True(world.Aws.MeteringCallCount - calls == 40, $"{world.Aws.MeteringCallCount - calls} calls; retries:\n"
            + string.Join('\n', world.App.Logs.Lines.Where(l => l.Contains("retrying in"))));
        Assert.Equal(40, summary.Calls);
        var records = await world.RecordsAsync();
        Assert.Equal(1000, records.Count);
        Assert.All(records, r => { Assert.Equal(MeteringStatus.Sent, r.Status); Assert.False(string.IsNullOrEmpty(r.AwsMeteringRecordId)); });
        Assert.Equal(1000, world.Aws.MeteredCount);
        Assert.Equal(3 * 1000 + 4, world.Aws.Metered.Values.Sum(v => v.Quantity));
        Assert.Equal(0, (await world.Sender().SendDueAsync()).Calls); // nothing left to send
    }

    [Fact]
    public async Task Every_record_status_is_stored_as_AWS_answered()
    {
        var (ok, gone, known) = (await world.CustomersAsync(3)) switch { var l => (l[0], l[1], l[2]) };
        world.Aws.Unsubscribe(gone.LicenseArn!);
        var hour = Now.AddHours(-1);
        // AWS already holds another quantity for this customer, dimension and hour.
        world.Aws.Meter(MeteringWorld.Product, new UsageRecord { LicenseArn = known.LicenseArn, CustomerAWSAccountId = known.CustomerAwsAccountId,
            Dimension = "requests", Quantity = 999, Timestamp = new DateTimeOffset(hour.Year, hour.Month, hour.Day, hour.Hour, 0, 0, TimeSpan.Zero) });
        foreach (var c in new[] { ok, gone, known }) await world.UsageAsync(c.Id, "requests", 5, hour);

        await world.Aggregator().AggregateAsync();
        var summary = await world.Sender().SendDueAsync();

        var records = (await world.RecordsAsync()).ToDictionary(r => r.SubscriptionId);
        Assert.Equal(MeteringStatus.Sent, records[ok.Id].Status);
        Assert.Equal(MeteringStatus.CustomerNotSubscribed, records[gone.Id].Status);
        Assert.Equal(MeteringStatus.Duplicate, records[known.Id].Status); // counted as sent, flagged for the operator
        Assert.Equal((1, 1, 1), (summary.Sent, summary.NotSubscribed, summary.Duplicate));
    }

    [Fact]
    public async Task Unprocessed_records_and_throttling_are_retried_later_with_backoff()
    {
        var customers = await world.CustomersAsync(10);
        foreach (var c in customers) await world.UsageAsync(c.Id, "requests", 1, Now.AddHours(-1));
        await world.Aggregator().AggregateAsync();

        world.Aws.LeaveUnprocessedNext(1);
        var first = await world.Sender().SendDueAsync();
        Assert.Equal((5, 5), (first.Sent, first.Retrying));
        var waiting = (await world.RecordsAsync()).Where(r => r.Status == MeteringStatus.Sending).ToList();
        Assert.Equal(5, waiting.Count);
        Assert.All(waiting, r => { Assert.Equal(1, r.Attempts); Assert.True(r.NextAttemptAt > Now); Assert.Contains("Unprocessed", r.LastError); });
        Assert.Equal(0, (await world.Sender().SendDueAsync()).Calls); // not due yet: backing off

        world.Aws.ThrottleNext(100); // outlasts the client's own retries
        world.Clock.Advance(TimeSpan.FromSeconds(15));
        var throttled = await world.Sender().SendDueAsync();
        Assert.Equal(5, throttled.Retrying);
        var backedOff = (await world.RecordsAsync()).Where(r => r.Status == MeteringStatus.Sending).ToList();
        Assert.All(backedOff, r => { Assert.Equal(2, r.Attempts); Assert.Contains("Throttling", r.LastError); });
        Assert.True(backedOff.Min(r => r.NextAttemptAt) > world.Clock.GetUtcNow().AddSeconds(10)); // the delay doubled

        world.Aws.ThrottleNext(0);
        world.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(5, (await world.Sender().SendDueAsync()).Sent);
        Assert.All(await world.RecordsAsync(), r => Assert.Equal(MeteringStatus.Sent, r.Status));
        Assert.Equal(10, world.Aws.MeteredCount);
    }

    [Fact]
    public async Task A_record_AWS_refuses_is_isolated_by_splitting_the_batch_and_the_rest_are_sent()
    {
        var customers = await world.CustomersAsync(25);
        foreach (var c in customers) await world.UsageAsync(c.Id, c == customers[17] ? "retired" : "requests", 2, Now.AddHours(-1));
        await world.Aggregator().AggregateAsync();
        world.Aws.RejectedDimension = "retired";

        var summary = await world.Sender().SendDueAsync();

        Assert.Equal((24, 1), (summary.Sent, summary.Failed));
        var bad = Assert.Single(await world.RecordsAsync(), r => r.Status == MeteringStatus.Failed);
        Assert.Equal(customers[17].Id, bad.SubscriptionId);
        Assert.Contains("InvalidUsageDimensionException", bad.LastError);
        Assert.True(summary.Calls is > 2 and <= 11, $"a binary split of 25 takes a handful of calls, not {summary.Calls}");
    }

    [Fact]
    public async Task Records_older_than_the_window_are_flagged_and_never_sent()
    {
        var customers = await world.CustomersAsync(2);
        await world.UsageAsync(customers[0].Id, "requests", 7, Now.AddHours(-23));
        await world.UsageAsync(customers[1].Id, "requests", 7, Now.AddHours(-1));
        await world.Aggregator().AggregateAsync();
        world.Clock.Advance(TimeSpan.FromHours(1)); // the first hour is now 24 hours old

        var calls = world.Aws.MeteringCallCount;
        var summary = await world.Sender().SendDueAsync();

        Assert.Equal((1, 1, 1), (summary.Expired, summary.Sent, world.Aws.MeteringCallCount - calls));
        var expired = Assert.Single(await world.RecordsAsync(), r => r.Status == MeteringStatus.Expired);
        Assert.Equal(customers[0].Id, expired.SubscriptionId);
        Assert.Contains("outside AWS's metering window", expired.LastError);
    }

    [Fact]
    public async Task Usage_of_a_closed_month_is_flagged_after_six_on_the_first()
    {
        await using var monthEnd = new MeteringWorld(new DateTimeOffset(2026, 12, 1, 5, 30, 0, TimeSpan.Zero), settings: PatientCalls());
        var customers = await monthEnd.CustomersAsync(2);
        await monthEnd.UsageAsync(customers[0].Id, "requests", 1, new DateTimeOffset(2026, 11, 30, 22, 10, 0, TimeSpan.Zero));
        await monthEnd.UsageAsync(customers[1].Id, "requests", 1, new DateTimeOffset(2026, 11, 30, 23, 10, 0, TimeSpan.Zero));
        await monthEnd.Aggregator().AggregateAsync();
        // Before 06:00 (and its margin) November still goes.
        monthEnd.Aws.LeaveUnprocessedNext(1); // the second record stays behind until after the grace
        await monthEnd.Sender().SendDueAsync();
        monthEnd.Clock.Advance(TimeSpan.FromHours(1));

        var late = await monthEnd.Sender().SendDueAsync();

        Assert.Equal(1, late.Expired);
        var statuses = (await monthEnd.RecordsAsync()).Select(r => r.Status).Order().ToList();
        Assert.Equal([MeteringStatus.Sent, MeteringStatus.Expired], statuses);
    }

    [Fact]
    public async Task Usage_arriving_after_its_hour_was_sent_is_billed_in_a_later_hour_not_lost()
    {
        var customer = (await world.CustomersAsync(1))[0];
        await world.UsageAsync(customer.Id, "requests", 10, Now.AddHours(-2));
        await world.Aggregator().AggregateAsync();
        await world.Sender().SendDueAsync();
        await world.UsageAsync(customer.Id, "requests", 5, Now.AddHours(-2).AddMinutes(1)); // late

        await world.Aggregator().AggregateAsync();
        await world.Sender().SendDueAsync();

        var records = (await world.RecordsAsync()).OrderBy(r => r.HourStart).ToList();
        Assert.Equal([10L, 5L], records.Select(r => r.Quantity));
        Assert.All(records, r => Assert.Equal(MeteringStatus.Sent, r.Status));
        Assert.Equal(15, world.Aws.Metered.Values.Sum(v => v.Quantity));
    }
}

/// <summary>unsubscribe-pending: AWS allows an hour for the last usage, so the running hour goes out at once.</summary>
public sealed class EndingSubscriptionMeteringTests
{
    [Fact]
    public async Task An_ending_subscription_has_all_its_usage_sent_including_the_running_hour()
    {
        var now = new DateTimeOffset(2026, 11, 18, 10, 30, 0, TimeSpan.Zero);
        await using var world = new MeteringWorld(now);
        var (ending, other) = (await world.CustomersAsync(2)) switch { var l => (l[0], l[1]) };
        await world.UsageAsync(ending.Id, "requests", 3, now.AddHours(-1));
        await world.UsageAsync(ending.Id, "requests", 4, now.AddMinutes(-10)); // the running hour
        await world.UsageAsync(other.Id, "requests", 5, now.AddMinutes(-10));  // running hour, not ending: waits
        await using (var db = world.Db())
            await db.Subscriptions.Where(s => s.Id == ending.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, Portal.Marketplace.Subscriptions.SubscriptionStatus.PendingCancellation));

        await world.App.Services.GetRequiredService<MeteringWorker>().RunPassAsync(full: false);

        var records = await world.RecordsAsync();
        Assert.Equal([3L, 4L], records.Where(r => r.SubscriptionId == ending.Id).OrderBy(r => r.HourStart).Select(r => r.Quantity));
        Assert.All(records, r => Assert.Equal(MeteringStatus.Sent, r.Status));
        Assert.DoesNotContain(records, r => r.SubscriptionId == other.Id); // its hour has not closed yet
        Assert.Equal(7, world.Aws.Metered.Values.Sum(v => v.Quantity));
    }
}
