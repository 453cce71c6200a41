using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Marketplace.Simulator;
using Portal.Marketplace.Subscriptions;
using Portal.Metering;

namespace Portal.Bench.Crash;

/// <summary>
/// The figures at the end, from the victim's database and from what "AWS" (the simulator in the process that was never
/// killed) accepted. Everything the driver saw accepted is the truth the portal is held to.
/// </summary>
public static class CrashAudit
{
    public sealed record Figures(
        int SubscriptionsLost, int SubscriptionsDuplicated, int SessionsNotResumable, int HoursMeteredZero, int HoursMeteredTwice,
        int QuantityMismatches, int UsageEventsLost, int UsageEventsExtra, int RecordsNotSent, int HoursMetered, long QuantityMetered,
        long QuantityInOpenHour, int EndsNotClosed, long FinalUnitsNotBilled, int UsageAfterEndStored, long FinalUnitsMoved, List<string> Details);

    /// <summary>
    /// Waits until every closed hour is aggregated and sent, and every ended agreement's running hour too (the victim is
    /// no longer killed by now).
    /// </summary>
    public static async Task<bool> WaitForQuietAsync(VictimDb db, TimeSpan limit)
    {
        var until = DateTimeOffset.UtcNow + limit;
        while (DateTimeOffset.UtcNow < until)
        {
            var currentHour = MeteringClock.HourOf(DateTimeOffset.UtcNow);
            await using var ctx = db.CreateDbContext();
            var ended = ctx.Subscriptions.Where(s => s.Status == SubscriptionStatus.Cancelled).Select(s => s.Id);
            var events = await ctx.UsageEvents.CountAsync(e => e.BatchId == null && (e.OccurredAt < currentHour || ended.Contains(e.SubscriptionId)));
            var records = await ctx.MeteringRecords.CountAsync(r => (r.Status == MeteringStatus.Pending || r.Status == MeteringStatus.Sending)
                && (r.HourStart < currentHour || (r.HourStart == currentHour && ended.Contains(r.SubscriptionId))));
            if (events == 0 && records == 0) return true;
            await Task.Delay(1000);
        }
        return false;
    }

    public static async Task<Figures> ComputeAsync(VictimDb db, SimulatorState aws, IReadOnlyList<CrashOnboarding> onboardings,
        IReadOnlyList<AcceptedUsage> accepted, IReadOnlyList<EndedAgreement> ends)
    {
        var details = new List<string>();
        await using var ctx = db.CreateDbContext();
        var subscriptions = await ctx.Subscriptions.AsNoTracking().ToListAsync();
        var organizations = await ctx.Organizations.AsNoTracking().Select(o => o.Name).ToListAsync();

        // Lost: a landing the portal acknowledged with no subscription row, or a finished onboarding not linked to its organization.
        var lost = 0;
        foreach (var o in onboardings.Where(o => o.Landed))
        {
            var mine = subscriptions.Where(s => s.CustomerAwsAccountId == o.AccountId).ToList();
            if (mine.Count == 0) { lost++; details.Add($"lost: account {o.AccountId} landed but has no subscription"); }
            else if (o.Outcome == OnboardingOutcome.Completed && mine.All(s => s.OrganizationId != o.OrganizationId))
            { lost++; details.Add($"lost: account {o.AccountId} finished but its subscription is not linked to {o.OrganizationId}"); }
        }
        // Duplicated: a second subscription for one AWS account and product, or a second organization made by one link.
        var duplicated = 0;
        foreach (var g in subscriptions.GroupBy(s => (s.ProductCode, s.CustomerAwsAccountId)).Where(g => g.Count() > 1))
        { duplicated += g.Count() - 1; details.Add($"duplicated: {g.Count()} subscriptions for account {g.Key.CustomerAwsAccountId}"); }
        foreach (var g in organizations.GroupBy(n => n).Where(g => g.Count() > 1))
        { duplicated += g.Count() - 1; details.Add($"duplicated: {g.Count()} organizations named {g.Key}"); }
        var notResumable = onboardings.Count(o => o.Outcome == OnboardingOutcome.NotResumable);
        details.AddRange(onboardings.Where(o => o.Outcome != OnboardingOutcome.Completed).Select(o => $"onboarding {o.Index}: {o.Outcome}: {o.Reason}"));

        // Usage: what the portal stored against what it accepted.
        var accountOf = subscriptions.ToDictionary(s => s.Id, s => s.CustomerAwsAccountId);
        var stored = (await ctx.UsageEvents.AsNoTracking().Select(e => new { e.SubscriptionId, e.IdempotencyKey, e.Quantity }).ToListAsync())
            .Select(e => (Account: accountOf.GetValueOrDefault(e.SubscriptionId, "?"), e.IdempotencyKey, e.Quantity)).ToList();
        var storedKeys = stored.Select(e => (e.Account, e.IdempotencyKey)).ToHashSet();
        var acceptedKeys = accepted.Select(u => (Account: u.AccountId, u.IdempotencyKey)).ToHashSet();
        var eventsLost = acceptedKeys.Count(k => !storedKeys.Contains(k));
        var eventsExtra = stored.Count - stored.Select(e => (e.Account, e.IdempotencyKey)).Intersect(acceptedKeys).Count();
        if (acceptedKeys.Count != accepted.Count) details.Add($"the driver had {accepted.Count - acceptedKeys.Count} keys accepted twice (expected for none)");

        // AWS's side: one record per license, dimension and hour (SimulatorState keys "product|license|dimension|yyyyMMddHH").
        var accountOfLicense = subscriptions.Where(s => s.LicenseArn is not null).ToDictionary(s => s.LicenseArn!, s => s.CustomerAwsAccountId);
        var awsRecords = aws.Metered.Select(kv => kv.Key.Split('|') is var p
                ? (Account: accountOfLicense.GetValueOrDefault(p[1], "?"), Dimension: p[2],
                   Hour: DateTimeOffset.ParseExact(p[3], "yyyyMMddHH", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal), Quantity: (long)kv.Value.Quantity)
                : default).ToList();
        var awsHours = awsRecords.Select(r => (r.Account, r.Dimension, r.Hour)).ToHashSet();
        var zero = accepted.Select(u => (Account: u.AccountId, u.Dimension, Hour: MeteringClock.HourOf(u.At))).Distinct().Count(h => !awsHours.Contains(h));

        var records = await ctx.MeteringRecords.AsNoTracking().Select(r => new { r.SubscriptionId, r.Dimension, r.HourStart, r.Quantity, r.Status }).ToListAsync();
        var currentHour = MeteringClock.HourOf(DateTimeOffset.UtcNow);
        // AWS answered DuplicateRecord: the portal tried to meter an hour a second time with another quantity.
        var twice = records.Count(r => r.Status == MeteringStatus.Duplicate);
        var notSent = records.Count(r => r.HourStart < currentHour && r.Status is not MeteringStatus.Sent and not MeteringStatus.Duplicate);
        var open = records.Where(r => r.HourStart >= currentHour && r.Status is MeteringStatus.Pending)
            .GroupBy(r => (Account: accountOf[r.SubscriptionId], r.Dimension)).ToDictionary(g => g.Key, g => g.Sum(r => r.Quantity));

        // Totals per customer and dimension: AWS plus what waits in the hour still running must equal what was accepted.
        var sent = accepted.GroupBy(u => (Account: u.AccountId, u.Dimension)).ToDictionary(g => g.Key, g => g.Sum(u => u.Quantity));
        var metered = awsRecords.GroupBy(r => (r.Account, r.Dimension)).ToDictionary(g => g.Key, g => g.Sum(r => r.Quantity));
        var mismatches = 0;
        foreach (var key in sent.Keys.Union(metered.Keys))
        {
            var s = sent.GetValueOrDefault(key);
            var m = metered.GetValueOrDefault(key);
            var o = open.GetValueOrDefault(key);
            if (m > s) { twice++; details.Add($"twice: {key.Account}/{key.Dimension}: AWS holds {m}, {s} was sent"); }
            if (m + o != s) { mismatches++; details.Add($"mismatch: {key.Account}/{key.Dimension}: sent {s}, AWS {m}, waiting {o}"); }
        }

        // Ended agreements: closed (Cancelled, the end stamped), their final hour sent at once (AWS takes it for one hour
        // only), and nothing stored from after the end.
        var endedIds = subscriptions.Where(s => ends.Any(e => e.AccountId == s.CustomerAwsAccountId)).ToDictionary(s => s.Id);
        var notClosed = 0;
        foreach (var e in ends)
        {
            var s = subscriptions.SingleOrDefault(x => x.CustomerAwsAccountId == e.AccountId);
            if (s is { Status: SubscriptionStatus.Cancelled, EndedAt: not null }) continue;
            notClosed++;
            details.Add($"not closed: {e.AccountId}'s subscription is {s?.Status.ToString() ?? "missing"}, ended at {s?.EndedAt?.ToString("u") ?? "never"}");
        }
        var finalRecords = records.Where(r => endedIds.ContainsKey(r.SubscriptionId) && r.Status is not MeteringStatus.Sent and not MeteringStatus.Duplicate).ToList();
        var finalNotBilled = finalRecords.Where(r => r.HourStart <= currentHour).Sum(r => r.Quantity);
        var finalMoved = finalRecords.Where(r => r.HourStart > currentHour).Sum(r => r.Quantity);
        foreach (var r in finalRecords.Where(r => r.HourStart <= currentHour))
            details.Add($"final hour not billed: {accountOf[r.SubscriptionId]}/{r.Dimension} {r.HourStart:u} x{r.Quantity} is {r.Status}");
        var endedEvents = await ctx.UsageEvents.AsNoTracking().Where(e => endedIds.Keys.Contains(e.SubscriptionId))
            .Select(e => new { e.SubscriptionId, e.OccurredAt, e.Quantity, e.BatchId }).ToListAsync();
        // Usage never aggregated into a record is not billed either.
        foreach (var g in endedEvents.Where(e => e.BatchId == null).GroupBy(e => e.SubscriptionId))
        {
            finalNotBilled += g.Sum(e => e.Quantity);
            details.Add($"final hour not billed: {accountOf[g.Key]} has {g.Count()} usage events never put into a record");
        }
        var afterEnd = endedEvents.Count(e => endedIds[e.SubscriptionId].EndedAt is { } end && e.OccurredAt > end);
        if (afterEnd > 0) details.Add($"after the end: {afterEnd} usage events stored from after their agreement ended");
        return new(lost, duplicated, notResumable, zero, twice, mismatches, eventsLost, eventsExtra, notSent, awsRecords.Count,
            awsRecords.Sum(r => r.Quantity), open.Values.Sum(), notClosed, finalNotBilled, afterEnd, finalMoved, details);
    }
}
