using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Marketplace.Aws;

namespace Portal.Metering;

public sealed record SendSummary(int Calls, int Sent, int Duplicate, int NotSubscribed, int Failed, int Expired, int Retrying);

/// <summary>
/// Sends due metering records with BatchMeterUsage, 25 a call. A record is frozen (status Sending) and saved
/// before its first call, and only ever re-sent unchanged: AWS treats identical records as the same record, so a
/// crash between the call and saving its answer costs one repeated call, never a second charge.
/// </summary>
public sealed class MeteringSender(IDbContextFactory<PortalDbContext> factory, IAmazonMarketplaceMetering metering, IOptions<MeteringOptions> options,
    TimeProvider time, ILogger<MeteringSender> logger, MeteringMetrics metrics)
{
    public const int BatchSize = MarketplaceMeteringClient.MaxRecordsPerBatch;

    /// <param name="subscriptionId">Only this subscription's records, including the hour still running (it is ending).</param>
    /// <param name="stillLeader">Asked between rounds; false stops sending (the lease was lost).</param>
    /// <param name="fenced">
    /// Asked inside the transaction of every write (freezing a round, storing AWS's answers): false means the lease
    /// was lost meanwhile, perhaps during a long throttled round, and nothing is written (the new holder re-sends the
    /// frozen records unchanged, which AWS treats as the same records).
    /// </param>
    public async Task<SendSummary> SendDueAsync(Guid? subscriptionId = null, Func<CancellationToken, Task<bool>>? stillLeader = null,
        Func<PortalDbContext, CancellationToken, Task<bool>>? fenced = null, CancellationToken ct = default)
    {
        using var activity = MeteringMetrics.Activities.StartActivity("Metering.SendDue");
        var summary = await SendAsync(subscriptionId, stillLeader, fenced, ct);
        activity?.SetTag("portal.metering.calls", summary.Calls).SetTag("portal.metering.sent", summary.Sent)
            .SetTag("portal.metering.retrying", summary.Retrying).SetTag("portal.metering.unbilled", summary.Duplicate + summary.Expired)
            .SetTag("portal.metering.failed", summary.Failed);
        return summary;
    }

    private async Task<SendSummary> SendAsync(Guid? subscriptionId, Func<CancellationToken, Task<bool>>? stillLeader,
        Func<PortalDbContext, CancellationToken, Task<bool>>? fenced, CancellationToken ct)
    {
        var total = new Tally();
        total.Expired = await ExpireAsync(ct);
        // One ordered snapshot of what is due (oldest hours first), then rounds by id: sorting the whole outbox once
        // per pass, not once per round, keeps a large backlog linear.
        var now = time.GetUtcNow();
        var currentHour = MeteringClock.HourOf(now);
        List<Guid> dueIds;
        await using (var snapshot = factory.CreateDbContext())
        {
            var due = snapshot.MeteringRecords.Where(r => (r.Status == MeteringStatus.Pending || r.Status == MeteringStatus.Sending) && r.NextAttemptAt <= now);
            // An ending subscription's running hour goes now; otherwise an hour is sent once it has closed.
            due = subscriptionId is { } only ? due.Where(r => r.SubscriptionId == only && r.HourStart <= currentHour) : due.Where(r => r.HourStart < currentHour);
            dueIds = await due.OrderBy(r => r.HourStart).ThenBy(r => r.ProductCode).Select(r => r.Id).ToListAsync(ct);
        }
        foreach (var ids in dueIds.Chunk(BatchSize * options.Value.Concurrency * 20))
        {
            if (stillLeader is not null && !await stillLeader(ct)) break;
            await using var db = factory.CreateDbContext();
            var round = await db.MeteringRecords.Where(r => ids.Contains(r.Id) && (r.Status == MeteringStatus.Pending || r.Status == MeteringStatus.Sending))
                .ToListAsync(ct);
            if (round.Count == 0) continue;
            round = [.. round.OrderBy(r => r.HourStart).ThenBy(r => r.ProductCode)];

            // Rounds take time: what was sendable at the start of the pass may be too close to its cutoff now.
            var roundStart = time.GetUtcNow();
            var late = round.Where(r => !MeteringWindow.CanSend(r.HourStart, roundStart, options.Value)).ToList();
            foreach (var r in late) Expire(r, roundStart);
            if (late.Count > 0)
            {
                await SaveExpiredAsync(db, late, roundStart, ct);
                total.Expired += late.Count;
                round.RemoveAll(r => r.Status == MeteringStatus.Expired);
            }

            foreach (var r in round.Where(r => r.Quantity > int.MaxValue))
            {
                r.Status = MeteringStatus.Failed; // AWS takes at most 2^31-1 per record; the operator must split it
                r.LastError = $"Quantity {r.Quantity} exceeds what one AWS usage record can carry.";
                total.Failed++;
            }
            if (round.RemoveAll(r => r.Status == MeteringStatus.Failed) > 0) await db.SaveChangesAsync(ct);

            // Freeze before the first call (one statement): from here on the record's quantity never changes.
            var pending = round.Where(r => r.Status == MeteringStatus.Pending).Select(r => r.Id).ToList();
            if (pending.Count > 0)
            {
                await using var freeze = await db.Database.BeginTransactionAsync(ct);
                if (fenced is not null && !await fenced(db, ct)) { await freeze.RollbackAsync(ct); break; }
                await db.MeteringRecords.Where(r => pending.Contains(r.Id) && r.Status == MeteringStatus.Pending)
                    .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, MeteringStatus.Sending), ct);
                await freeze.CommitAsync(ct);
                // What was frozen is what gets sent: usage aggregated between reading the round and freezing it is in the
                // stored quantity (and allocations), so read them back rather than send the older values.
                var frozen = await db.MeteringRecords.AsNoTracking().Where(r => pending.Contains(r.Id))
                    .Select(r => new { r.Id, r.Quantity, r.Allocations }).ToDictionaryAsync(r => r.Id, ct);
                foreach (var r in round)
                    if (frozen.TryGetValue(r.Id, out var f)) (r.Quantity, r.Allocations) = (f.Quantity, f.Allocations);
            }
            foreach (var r in round) r.Status = MeteringStatus.Sending;
            db.ChangeTracker.AcceptAllChanges(); // the database already says so

            var chunks = round.GroupBy(r => r.ProductCode).SelectMany(g => Chunks(g)).ToList();
            using var gate = new SemaphoreSlim(options.Value.Concurrency);
            var outcomes = await Task.WhenAll(chunks.Select(async chunk =>
            {
                await gate.WaitAsync(ct);
                try { return await SendChunkAsync(chunk, ct); }
                finally { gate.Release(); }
            }));
            var answered = time.GetUtcNow();
            foreach (var (record, outcome) in outcomes.SelectMany(o => o.Results)) Apply(record, outcome, answered, total);
            total.Calls += outcomes.Sum(o => o.Calls);
            AlertDuplicates(db, [.. outcomes.SelectMany(o => o.Results).Where(x => x.Outcome.Verdict == Verdict.Duplicate).Select(x => x.Record)], answered);
            await using var store = await db.Database.BeginTransactionAsync(ct);
            if (fenced is not null && !await fenced(db, ct))
            {
                await store.RollbackAsync(ct);
                logger.LogWarning("The metering lease was lost during a round; its answers are not stored (the new holder re-sends those records unchanged)");
                break;
            }
            await db.SaveChangesAsync(ct);
            await store.CommitAsync(ct);
        }
        return total.ToSummary();
    }

    /// <summary>
    /// Flags records AWS would refuse (or could refuse by the time they arrive) before they reach a batch: one such
    /// record would make AWS refuse the whole batch. They stay for the operator, with an alert, and are never sent.
    /// </summary>
    private async Task<int> ExpireAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (age, month) = MeteringWindow.UnsendableBounds(now, options.Value);
        await using var db = factory.CreateDbContext();
        var expired = await db.MeteringRecords.Where(r => (r.Status == MeteringStatus.Pending || r.Status == MeteringStatus.Sending)
            && (r.HourStart <= age || r.HourStart < month)).ToListAsync(ct);
        foreach (var r in expired) Expire(r, now);
        await SaveExpiredAsync(db, expired, now, ct);
        return expired.Count;
    }

    private void Expire(MeteringRecord r, DateTimeOffset now)
    {
        r.Status = MeteringStatus.Expired;
        r.LastError = $"Not sent, outside AWS's metering window: AWS takes hour {r.HourStart:u} only until {MeteringWindow.Deadline(r.HourStart, options.Value):u}, too close at {now:u}.";
    }

    /// <summary>Saves expired records with one alert per subscription (an audit event, hence a webhook): usage that will not be billed.</summary>
    private async Task SaveExpiredAsync(PortalDbContext db, List<MeteringRecord> expired, DateTimeOffset now, CancellationToken ct)
    {
        if (expired.Count == 0) return;
        foreach (var g in expired.GroupBy(r => r.SubscriptionId))
            db.AuditEvents.Add(new Audit.AuditEvent
            {
                Type = ExpiredEvent, OccurredAt = now, SubscriptionId = g.Key, Actor = "system",
                Details = Truncate($"{g.Count()} usage records not billed (AWS's metering window closed): " +
                    string.Join(", ", g.OrderBy(r => r.HourStart).Select(r => $"{r.Dimension} {r.HourStart:u} x{r.Quantity}"))),
            });
        await db.SaveChangesAsync(ct);
        metrics.Records(expired.Count, "Expired");
        CountUnbilled(expired, "expired");
        logger.LogError("{Count} metering records of {Subscriptions} subscriptions expired and are not billed: AWS's metering window closed before they could be sent",
            expired.Count, expired.Select(r => r.SubscriptionId).Distinct().Count());
    }

    public const string ExpiredEvent = "subscription.metering-expired";
    public const string DuplicateEvent = "subscription.metering-duplicate";

    /// <summary>One alert per subscription (an audit event, hence a webhook), saved with the records' new status.</summary>
    private void AlertDuplicates(PortalDbContext db, List<MeteringRecord> duplicates, DateTimeOffset now)
    {
        if (duplicates.Count == 0) return;
        foreach (var g in duplicates.GroupBy(r => r.SubscriptionId))
            db.AuditEvents.Add(new Audit.AuditEvent
            {
                Type = DuplicateEvent, OccurredAt = now, SubscriptionId = g.Key, Actor = "aws",
                Details = Truncate($"{g.Count()} usage records not billed (AWS answered DuplicateRecord): " +
                    string.Join(", ", g.OrderBy(r => r.HourStart).Select(r => $"{r.Dimension} {r.HourStart:u} x{r.Quantity}"))),
            });
        CountUnbilled(duplicates, "duplicate");
        logger.LogError("{Count} metering records were not billed: AWS answered DuplicateRecord (it holds another quantity for the same customer, dimension and hour)",
            duplicates.Count);
    }

    private void CountUnbilled(List<MeteringRecord> records, string reason)
    {
        foreach (var g in records.GroupBy(r => r.Dimension)) metrics.Unbilled(g.Count(), g.Sum(r => r.Quantity), reason, g.Key);
    }

    private sealed record ChunkResult(List<(MeteringRecord Record, Outcome Outcome)> Results, int Calls);

    private enum Verdict { Sent, Duplicate, NotSubscribed, Failed, Retry }

    private sealed record Outcome(Verdict Verdict, string? AwsId = null, string? Error = null);

    /// <summary>One call; a request-level refusal splits the batch in halves until the bad record stands alone.</summary>
    private async Task<ChunkResult> SendChunkAsync(IReadOnlyList<MeteringRecord> chunk, CancellationToken ct)
    {
        var request = new BatchMeterUsageRequest { ProductCode = chunk[0].ProductCode, UsageRecords = [.. chunk.Select(ToUsageRecord)] };
        metrics.Call();
        try
        {
            var response = await metering.BatchMeterUsageAsync(request, ct);
            var byKey = chunk.ToDictionary(Key);
            var results = new List<(MeteringRecord, Outcome)>();
            foreach (var r in response.Results)
            {
                if (r.UsageRecord is null || !byKey.Remove(Key(r.UsageRecord), out var record)) continue;
                results.Add((record, r.Status switch
                {
                    UsageRecordResultStatus.Success => new Outcome(Verdict.Sent, r.MeteringRecordId),
                    UsageRecordResultStatus.DuplicateRecord => new Outcome(Verdict.Duplicate, r.MeteringRecordId,
                        "Not billed: AWS already holds another quantity for this customer, dimension and hour (DuplicateRecord)."),
                    UsageRecordResultStatus.CustomerNotSubscribed => new Outcome(Verdict.NotSubscribed, r.MeteringRecordId, "The customer is not subscribed."),
                    _ => new Outcome(Verdict.Retry, Error: $"Unknown status {r.Status}."),
                }));
            }
            // UnprocessedRecords, and anything AWS did not mention, are tried again later.
            results.AddRange(byKey.Values.Select(r => (r, new Outcome(Verdict.Retry, Error: "Unprocessed by AWS; will retry."))));
            return new(results, 1);
        }
        catch (AmazonMarketplaceException ex) when (IsAboutARecord(ex))
        {
            if (chunk.Count == 1) return new([(chunk[0], new Outcome(Verdict.Failed, Error: $"{ex.ErrorType}: {ex.Message}"))], 1);
            var half = chunk.Count / 2;
            var left = await SendChunkAsync(chunk.Take(half).ToList(), ct);
            var right = await SendChunkAsync(chunk.Skip(half).ToList(), ct);
            return new([.. left.Results, .. right.Results], 1 + left.Calls + right.Calls);
        }
        catch (Exception ex) when (ex is AmazonMarketplaceException or MarketplaceUnavailableException or HttpRequestException)
        {
            // Throttling, AWS faults, timeouts, a disabled API: nothing is wrong with the records; back off.
            logger.LogWarning("BatchMeterUsage for {ProductCode} failed ({Error}); {Count} records retry later", request.ProductCode, ex.GetType().Name, chunk.Count);
            return new([.. chunk.Select(r => (r, new Outcome(Verdict.Retry, Error: $"{ex.GetType().Name}: {ex.Message}")))], 1);
        }
    }

    private static bool IsAboutARecord(AmazonMarketplaceException ex) => ex is InvalidCustomerIdentifierException or InvalidUsageDimensionException
        or InvalidUsageAllocationsException or InvalidLicenseException or InvalidTagException or TimestampOutOfBoundsException
        or InvalidParameterException or CustomerNotEntitledException or InvalidProductCodeException;

    private void Apply(MeteringRecord record, Outcome outcome, DateTimeOffset now, Tally tally)
    {
        record.Attempts++;
        switch (outcome.Verdict)
        {
            case Verdict.Retry:
                var o = options.Value;
                var delay = TimeSpan.FromTicks(Math.Min(o.MaxRetryDelay.Ticks, o.RetryBaseDelay.Ticks * (1L << Math.Min(record.Attempts - 1, 20))));
                var next = now + delay * (0.8 + Random.Shared.NextDouble() * 0.4);
                // Backing off past the record's last chance to be sent would lose it: try once more before then.
                var lastChance = MeteringWindow.LastSend(record.HourStart, o) - TimeSpan.FromMinutes(1);
                record.NextAttemptAt = next < lastChance ? next : (lastChance > now ? lastChance : now);
                record.LastError = Truncate(outcome.Error);
                tally.Retrying++;
                return;
            case Verdict.Sent: record.Status = MeteringStatus.Sent; tally.Sent++; break;
            case Verdict.Duplicate:
                // Not billed: AWS kept the quantity it had. Not "sent" either, so SentAt stays empty.
                record.Status = MeteringStatus.Duplicate;
                record.AwsMeteringRecordId = outcome.AwsId ?? record.AwsMeteringRecordId;
                record.LastError = Truncate(outcome.Error);
                tally.Duplicate++;
                metrics.Records(1, record.Status.ToString());
                return;
            case Verdict.NotSubscribed: record.Status = MeteringStatus.CustomerNotSubscribed; tally.NotSubscribed++; break;
            case Verdict.Failed: record.Status = MeteringStatus.Failed; tally.Failed++; break;
        }
        record.AwsMeteringRecordId = outcome.AwsId ?? record.AwsMeteringRecordId;
        record.LastError = Truncate(outcome.Error);
        record.SentAt = now;
        metrics.Records(1, record.Status.ToString());
    }

    public static UsageRecord ToUsageRecord(MeteringRecord r) => new()
    {
        Timestamp = r.HourStart, Dimension = r.Dimension, Quantity = (int)Math.Min(r.Quantity, int.MaxValue),
        CustomerAWSAccountId = r.CustomerAwsAccountId, LicenseArn = r.LicenseArn, CustomerIdentifier = r.CustomerIdentifier,
        UsageAllocations = UsageAllocations.ToAws(r.Allocations),
    };

    /// <summary>Most a request may carry: AWS takes "less than 1MB"; the margin covers the JSON around the records.</summary>
    private const int MaxRequestBytes = 900 * 1024;

    /// <summary>
    /// At most 25 records a call, and fewer when their allocations are large, so no request reaches BatchMeterUsage's
    /// 1 MB limit (https://docs.aws.amazon.com/marketplace/latest/APIReference/API_marketplace-metering_BatchMeterUsage.html).
    /// Records without allocations are far below it: 25 a call, as before.
    /// </summary>
    private static IEnumerable<MeteringRecord[]> Chunks(IEnumerable<MeteringRecord> records)
    {
        var chunk = new List<MeteringRecord>(BatchSize);
        var keys = new HashSet<(string, string, long)>();
        var bytes = 0;
        foreach (var r in records)
        {
            var size = 600 + 2 * (r.Allocations?.Length ?? 0); // the record's fields, and its allocations in AWS's longer names
            // Two records AWS would see as one (a legacy customer's ended and new subscription, same identifier and hour)
            // never share a call: AWS's answers are matched to records by that key.
            if (chunk.Count > 0 && (chunk.Count == BatchSize || bytes + size > MaxRequestBytes || keys.Contains(Key(r))))
            {
                yield return [.. chunk];
                chunk.Clear();
                keys.Clear();
                bytes = 0;
            }
            chunk.Add(r);
            keys.Add(Key(r));
            bytes += size;
        }
        if (chunk.Count > 0) yield return [.. chunk];
    }

    private static (string, string, long) Key(MeteringRecord r) => (r.LicenseArn ?? r.CustomerIdentifier ?? "", r.Dimension, r.HourStart.ToUnixTimeSeconds());
    private static (string, string, long) Key(UsageRecord r) => (r.LicenseArn ?? r.CustomerIdentifier ?? "", r.Dimension, r.Timestamp.ToUnixTimeSeconds());
    private static string? Truncate(string? s) => s is { Length: > 500 } ? s[..500] : s;

    private sealed class Tally
    {
        public int Calls, Sent, Duplicate, NotSubscribed, Failed, Expired, Retrying;
        public SendSummary ToSummary() => new(Calls, Sent, Duplicate, NotSubscribed, Failed, Expired, Retrying);
    }
}
