using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Simulator;
using Portal.Metering;
using Portal.Tests.Integration.Metering;

namespace Portal.Tests.Integration.Hardening;

/// <summary>
/// BatchMeterUsage throttled, failing or hanging for several rounds: records are kept with their attempts and a
/// growing next-attempt time, none is lost or marked sent; once AWS recovers every record is sent exactly once.
/// (Backoff after throttling and UnprocessedRecords alone: MeteringSenderTests.Unprocessed_records_and_throttling_are_retried_later_with_backoff.)
/// </summary>
public sealed class MeteringFaultTests : IAsyncLifetime
{
    private const string Operation = "BatchMeterUsage";
    private static readonly DateTimeOffset Now = new(2026, 11, 18, 10, 30, 0, TimeSpan.Zero);
    private MeteringWorld world = null!;

    // Two attempts a call, a second each, keep a hanging round short; the sender's own backoff is 10 s doubling.
    public Task InitializeAsync()
    {
        world = new MeteringWorld(Now, settings: new Dictionary<string, string?>
        {
            ["Marketplace:Calls:MaxAttempts"] = "2", ["Marketplace:Calls:AttemptTimeout"] = "00:00:01",
            ["Marketplace:Calls:MaxTotalTime"] = "00:00:30",
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await world.DisposeAsync();

    private SimulatorFaults Faults => world.Aws.Faults;

    [Theory]
    [InlineData(SimulatorFault.Throttle)]
    [InlineData(SimulatorFault.Fail)]
    [InlineData(SimulatorFault.Hang)]
    public async Task AwsDownForTwoRounds_RecordsBackOffAndAreKept_ThenEachIsSentExactlyOnce(SimulatorFault fault)
    {
        var customers = await world.CustomersAsync(30); // 30 records: two calls of 25 and 5
        foreach (var c in customers) await world.UsageAsync(c.Id, "requests", 7, Now.AddHours(-1));
        Assert.Equal(30, await world.Aggregator().AggregateAsync());
        Faults.Set(Operation, fault);

        var first = await world.Sender().SendDueAsync();

        Assert.Equal((0, 30), (first.Sent, first.Retrying));
        Assert.Equal(2 * 2, Faults.Calls(Operation)); // two calls, each with the client's two attempts
        var kept = await world.RecordsAsync();
        Assert.Equal(30, kept.Count);
        Assert.All(kept, r =>
        {
            Assert.NotEqual(MeteringStatus.Sent, r.Status);
            Assert.Equal(1, r.Attempts);
            Assert.True(r.NextAttemptAt > Now);
            Assert.False(string.IsNullOrEmpty(r.LastError));
            Assert.Null(r.AwsMeteringRecordId);
        });
        Assert.Equal(0, world.Aws.MeteredCount);
        Assert.Equal(0, (await world.Sender().SendDueAsync()).Calls); // backing off: nothing is due yet

        world.Clock.Advance(TimeSpan.FromSeconds(15));
        var second = await world.Sender().SendDueAsync();

        Assert.Equal((0, 30), (second.Sent, second.Retrying));
        var backedOff = await world.RecordsAsync();
        Assert.All(backedOff, r => Assert.Equal(2, r.Attempts));
        Assert.True(backedOff.Min(r => r.NextAttemptAt) > world.Clock.GetUtcNow().AddSeconds(10)); // the delay doubled
        Assert.Equal(0, world.Aws.MeteredCount);

        Faults.Set(Operation, SimulatorFault.Normal);
        world.Clock.Advance(TimeSpan.FromMinutes(2));
        var caughtUp = await world.Sender().SendDueAsync();

        Assert.Equal((30, 0), (caughtUp.Sent, caughtUp.Retrying));
        var sent = await world.RecordsAsync();
        Assert.All(sent, r => Assert.Equal(MeteringStatus.Sent, r.Status));
        Assert.Equal(30, sent.Select(r => r.AwsMeteringRecordId).Distinct().Count());
        // AWS accepted each record once: 30 successes over the calls that reached it, 30 records held, 7 each.
        Assert.Equal(30, world.Aws.RecentMeteringCalls.Sum(c => SuccessCount(c.Result)));
        Assert.Equal(30, world.Aws.MeteredCount);
        Assert.All(world.Aws.Metered.Values, v => Assert.Equal(7, v.Quantity));
        world.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, (await world.Sender().SendDueAsync()).Calls); // nothing sent twice
    }

    /// <summary>"Success 25, Unprocessed 0" → 25, as the simulator summarises a call.</summary>
    private static int SuccessCount(string result) =>
        result.Split(", ").Where(p => p.StartsWith("Success ", StringComparison.Ordinal)).Sum(p => int.Parse(p["Success ".Length..]));
}
