using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Marketplace.Simulator;
using Portal.Marketplace.Subscriptions;

namespace Portal.Bench.Crash;

/// <summary>One agreement the run ended, as the driver saw it.</summary>
public sealed record EndedAgreement(string AccountId, DateTimeOffset FinalUsageAt, int FinalEvents, long FinalUnits, bool AfterEndRefused);

/// <summary>
/// The end of an agreement, while the portal is still being killed: the vendor's product reports the usage of the hour
/// in which the agreement ends; "AWS" sends Purchase Agreement Ended (Manufacturer and Proposer, over EventBridge, retried
/// across kills as an API destination retries); usage from after the end must be refused; then License Deprovisioned.
/// The portal has to send that final hour at once (AWS takes it only for an hour after the end), not when the hour
/// closes, and close the subscription. <see cref="CrashAudit"/> checks both.
/// </summary>
public sealed class AgreementEnding(VictimProcess victim, VictimDb db, UsageDriver usage, string headerName, string secret)
{
    private readonly HttpClient http = new() { BaseAddress = victim.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<EndedAgreement> ended = [];
    private readonly List<string> problems = [];

    public IReadOnlyList<EndedAgreement> Ended { get { lock (ended) return [.. ended]; } }
    public IReadOnlyList<string> Problems { get { lock (problems) return [.. problems]; } }

    public async Task RunAsync(CrashOnboarding o, int seed)
    {
        var rng = new Random(seed);
        var key = await usage.KeyForAsync(o);
        // 1. The last usage, in the hour still running: one event per dimension, a moment before the end.
        var at = DateTimeOffset.UtcNow.AddSeconds(-1);
        long units = 0;
        var events = 0;
        foreach (var dimension in UsageDriver.Dimensions)
        {
            long quantity = rng.Next(1, 1000);
            var answer = await usage.SendAsync(o, key, new(o.AccountId, dimension, at, quantity, $"crash-{o.AccountId}-final-{dimension}", false));
            if (answer is HttpStatusCode.Accepted or HttpStatusCode.OK) { units += quantity; events++; }
        }

        // 2. AWS ends the agreement. The License event first: it is what tells the portal which agreement the license is.
        var subscription = await SubscriptionOfAsync(o);
        await DeliverAsync(o, SimulatorNotifier.EventBridgeBodies("License Updated", subscription, "ACTIVE", DateTimeOffset.UtcNow));
        await DeliverAsync(o, SimulatorNotifier.EventBridgeBodies("Purchase Agreement Ended", subscription, "CANCELLED", DateTimeOffset.UtcNow));

        // 3. Usage from after the end (the end was stamped when the portal applied the event, before it answered).
        await Task.Delay(1100);
        var late = await usage.SendAsync(o, key, new(o.AccountId, UsageDriver.Dimensions[0], DateTimeOffset.UtcNow, 1, $"crash-{o.AccountId}-after-end", false),
            refusalExpected: true);
        if (late != HttpStatusCode.Conflict) Problem($"usage after the end of {o.AccountId}'s agreement was answered {(int)late}, not 409");

        // 4. AWS deprovisions the license (in production about an hour later; here at once).
        await DeliverAsync(o, SimulatorNotifier.EventBridgeBodies("License Deprovisioned", subscription, "ACTIVE", DateTimeOffset.UtcNow));
        lock (ended) ended.Add(new(o.AccountId, at, events, units, late == HttpStatusCode.Conflict));
    }

    private async Task<MarketplaceSubscription> SubscriptionOfAsync(CrashOnboarding o)
    {
        await using var ctx = db.CreateDbContext();
        return await ctx.Subscriptions.AsNoTracking().SingleAsync(s => s.CustomerAwsAccountId == o.AccountId);
    }

    /// <summary>Posts each event until it is answered 200; a kill, a 5xx or a 429 is retried, like EventBridge's retry policy.</summary>
    private async Task DeliverAsync(CrashOnboarding o, IEnumerable<string> bodies)
    {
        foreach (var body in bodies)
        {
            for (var attempt = 1; ; attempt++)
            {
                await victim.WaitUpAsync();
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "marketplace/notifications/eventbridge")
                    {
                        Content = new StringContent(body, Encoding.UTF8, "application/json"),
                    };
                    request.Headers.Add(headerName, secret);
                    using var response = await http.SendAsync(request);
                    if (response.StatusCode == HttpStatusCode.OK) { victim.Advanced(); break; }
                    if ((int)response.StatusCode < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
                    {
                        Problem($"an EventBridge event for {o.AccountId} was answered {(int)response.StatusCode}");
                        break;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
                if (attempt > 200) throw new InvalidOperationException($"An EventBridge event for {o.AccountId} was never taken.");
                await Task.Delay(100);
            }
        }
    }

    private void Problem(string text) { lock (problems) problems.Add(text); }
}
