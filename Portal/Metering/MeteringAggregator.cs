using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Portal.Metering;

/// <summary>
/// Turns usage events into hourly metering records (the outbox). Each pass claims a chunk of events with one
/// conditional UPDATE (only unclaimed rows) and adds them to records in the same transaction, so an event is counted
/// exactly once even if a crash or a second instance interrupts.
/// </summary>
public sealed class MeteringAggregator(IDbContextFactory<PortalDbContext> factory, IOptions<MeteringOptions> options, TimeProvider time,
    ILogger<MeteringAggregator> logger)
{
    /// <summary>Aggregates the events of closed hours; with <paramref name="subscriptionId"/>, all of that subscription's (it is ending).</summary>
    public Task<int> AggregateAsync(Guid? subscriptionId = null, CancellationToken ct = default) => AggregateCoreAsync(subscriptionId, null, ct);

    /// <summary>Aggregates only the events of hours before <paramref name="before"/> (closed hours whose cutoff is near).</summary>
    public Task<int> AggregateBeforeAsync(DateTimeOffset before, CancellationToken ct = default) => AggregateCoreAsync(null, before, ct);

    private async Task<int> AggregateCoreAsync(Guid? subscriptionId, DateTimeOffset? before, CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            var counted = await AggregateChunkAsync(subscriptionId, before, ct);
            if (counted == 0) return total;
            total += counted;
        }
    }

    private async Task<int> AggregateChunkAsync(Guid? subscriptionId, DateTimeOffset? before, CancellationToken ct)
    {
        var currentHour = MeteringClock.HourOf(time.GetUtcNow());
        var upTo = before is { } b && b < currentHour ? b : currentHour;
        await using var db = factory.CreateDbContext();
        var unclaimed = db.UsageEvents.Where(e => e.BatchId == null);
        unclaimed = subscriptionId is { } only ? unclaimed.Where(e => e.SubscriptionId == only) : unclaimed.Where(e => e.OccurredAt < upTo);
        var ids = await unclaimed.OrderBy(e => e.Id).Select(e => e.Id).Take(options.Value.AggregationChunk).ToListAsync(ct);
        if (ids.Count == 0) return 0;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var batch = Guid.NewGuid();
        long first = ids[0], last = ids[^1];
        await unclaimed.Where(e => e.Id >= first && e.Id <= last).ExecuteUpdateAsync(u => u.SetProperty(e => e.BatchId, batch), ct);
        var events = await db.UsageEvents.AsNoTracking().Where(e => e.BatchId == batch)
            .Select(e => new { e.SubscriptionId, e.Dimension, e.OccurredAt, e.Quantity, e.Allocations }).ToListAsync(ct);
        // Another instance claimed every one of them between the read and the claim: nothing to do in this chunk, but
        // there may be more after it (the ids read count, not the zero claimed, or the caller would stop early).
        if (events.Count == 0)
        {
            await tx.CommitAsync(ct);
            return ids.Count;
        }
        // One AWS record per subscription, dimension and hour; its allocations (when any usage in it was split by tags)
        // are the sum of its events' buckets, the unsplit usage in the untagged bucket, so they always add up to it.
        var groups = events.GroupBy(e => (e.SubscriptionId, e.Dimension, Hour: MeteringClock.HourOf(e.OccurredAt)))
            .Select(g => (g.Key.SubscriptionId, g.Key.Dimension, g.Key.Hour, Quantity: g.Sum(e => e.Quantity),
                Buckets: g.Any(e => e.Allocations is not null) ? g.Aggregate(new UsageAllocations.Buckets(), (b, e) =>
                {
                    UsageAllocations.Add(b, UsageAllocations.Deserialize(e.Allocations) ?? UsageAllocations.Untagged(e.Quantity));
                    return b;
                }) : null)).ToList();

        var subscriptionIds = groups.Select(g => g.SubscriptionId).Distinct().ToList();
        var oldest = groups.Min(g => g.Hour);
        var subscriptions = await db.Subscriptions.AsNoTracking().Where(s => subscriptionIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        var records = (await db.MeteringRecords.Where(r => subscriptionIds.Contains(r.SubscriptionId) && r.HourStart >= oldest).ToListAsync(ct))
            .ToDictionary(r => (r.SubscriptionId, r.Dimension, r.HourStart));
        var now = time.GetUtcNow();
        foreach (var g in groups)
        {
            // A record already sent cannot grow (AWS would call the change a duplicate): late usage goes to the
            // newest hour still open, so it is billed a little later rather than never.
            var hour = g.Hour;
            var added = false;
            while (true)
            {
                while (records.TryGetValue((g.SubscriptionId, g.Dimension, hour), out var frozen) && frozen.Status != MeteringStatus.Pending)
                    hour = hour < currentHour.AddHours(-1) ? currentHour.AddHours(-1) : hour.AddHours(1);
                if (!records.TryGetValue((g.SubscriptionId, g.Dimension, hour), out var open)) break;
                if (db.Entry(open).State == EntityState.Added)
                {
                    open.Allocations = Merged(open.Quantity, open.Allocations, g.Quantity, g.Buckets); // written by this pass's SaveChanges
                    open.Quantity += g.Quantity;
                    added = true;
                    break;
                }
                if (await GrowAsync(db, open.Id, g.Quantity, g.Buckets, ct)) { added = true; break; }
                // Seen frozen (another instance's sender took it since it was read): look further on. Detached first:
                // EF resets a tracked entity's changed values when it is set back to Unchanged, and a record still
                // reading Pending here would be offered the same usage again and again, for ever.
                db.Entry(open).State = EntityState.Detached;
                open.Status = MeteringStatus.Sending;
            }
            if (added) continue;
            var s = subscriptions[g.SubscriptionId];
            var record = new MeteringRecord
            {
                SubscriptionId = s.Id, ProductCode = s.ProductCode, Dimension = g.Dimension, HourStart = hour, Quantity = g.Quantity,
                Allocations = g.Buckets is null ? null : UsageAllocations.Serialize(g.Buckets),
                CustomerAwsAccountId = s.LicenseArn is null ? null : s.CustomerAwsAccountId, LicenseArn = s.LicenseArn,
                CustomerIdentifier = s.LicenseArn is null ? s.CustomerIdentifier : null,
                Status = MeteringStatus.Pending, CreatedAt = now, NextAttemptAt = now,
            };
            records[(s.Id, g.Dimension, hour)] = record;
            db.MeteringRecords.Add(record);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        logger.LogDebug("Aggregated {Events} usage events into {Groups} hourly records", events.Count, groups.Count);
        return events.Count;
    }

    /// <summary>
    /// Adds to a stored record only while it is still open, in SQL: a sender (maybe another instance's) may have frozen
    /// it since it was read, and a frozen record must never change. False: it is frozen, the usage goes elsewhere.
    /// Unsplit usage on an unsplit record is one increment; otherwise quantity and allocations change together, from
    /// the values just read and only if they are still those (a compare-and-set, tried again if another pass won).
    /// </summary>
    private static async Task<bool> GrowAsync(PortalDbContext db, Guid id, long quantity, UsageAllocations.Buckets? buckets, CancellationToken ct)
    {
        if (buckets is null && await db.MeteringRecords.Where(r => r.Id == id && r.Status == MeteringStatus.Pending && r.Allocations == null)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.Quantity, r => r.Quantity + quantity), ct) == 1)
            return true;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var current = await db.MeteringRecords.AsNoTracking().Where(r => r.Id == id)
                .Select(r => new { r.Status, r.Quantity, r.Allocations }).SingleAsync(ct);
            if (current.Status != MeteringStatus.Pending) return false;
            var merged = Merged(current.Quantity, current.Allocations, quantity, buckets);
            var was = current.Allocations;
            var q = current.Quantity;
            if (await db.MeteringRecords.Where(r => r.Id == id && r.Status == MeteringStatus.Pending && r.Quantity == q && r.Allocations == was)
                    .ExecuteUpdateAsync(u => u.SetProperty(r => r.Quantity, q + quantity).SetProperty(r => r.Allocations, merged), ct) == 1)
                return true;
        }
        throw new DbUpdateConcurrencyException($"Metering record {id} kept changing while usage was added to it.");
    }

    /// <summary>The record's allocations after adding usage to it; null while neither side was split by tags.</summary>
    private static string? Merged(long hadQuantity, string? had, long quantity, UsageAllocations.Buckets? more)
    {
        if (had is null && more is null) return null;
        var into = UsageAllocations.Deserialize(had) ?? UsageAllocations.Untagged(hadQuantity);
        UsageAllocations.Add(into, more ?? UsageAllocations.Untagged(quantity));
        if (into.TryGetValue("", out var untagged) && untagged == 0) into.Remove("");
        return UsageAllocations.Serialize(into);
    }
}

public static class MeteringClock
{
    public static DateTimeOffset HourOf(DateTimeOffset t)
    {
        var u = t.ToUniversalTime();
        return new DateTimeOffset(u.Year, u.Month, u.Day, u.Hour, 0, 0, TimeSpan.Zero);
    }
}
