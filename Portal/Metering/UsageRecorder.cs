using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Marketplace;
using Portal.Marketplace.Subscriptions;

namespace Portal.Metering;

/// <param name="Allocations">Optional split of the quantity by tags (<see cref="UsageAllocations"/>), sent to AWS as UsageAllocations.</param>
public sealed record UsageInput(string Dimension, long Quantity, DateTimeOffset? Timestamp, string IdempotencyKey,
    IReadOnlyList<AllocationInput>? Allocations = null);

public enum UsageOutcome { Recorded, Duplicate, IdempotencyConflict, NoSubscription, SubscriptionEnded, InvalidDimension, InvalidQuantity, InvalidIdempotencyKey, TimestampOutOfRange, TooLateToBill, InvalidAllocations }

/// <param name="BillableUntil">With <see cref="UsageOutcome.TooLateToBill"/>: AWS's cutoff for the usage's hour.</param>
/// <param name="Problem">With <see cref="UsageOutcome.InvalidAllocations"/>: which of AWS's rules the allocations break.</param>
public sealed record UsageResult(UsageOutcome Outcome, long? EventId = null, Guid? SubscriptionId = null, DateTimeOffset? BillableUntil = null,
    string? Problem = null)
{
    public bool Accepted => Outcome is UsageOutcome.Recorded or UsageOutcome.Duplicate;
}

/// <summary>Records usage of an organization's AWS subscription, for a product hosted in the same process.</summary>
public interface IUsageRecorder
{
    Task<UsageResult> RecordAsync(Guid organizationId, UsageInput usage, string source = "host", CancellationToken ct = default);
}

/// <summary>
/// Stores usage as events, once per idempotency key: a retried call returns the first answer, a key reused for
/// different usage is refused. Sending to AWS happens later, aggregated per hour, in <see cref="MeteringSender"/>.
/// </summary>
public sealed partial class UsageRecorder(IDbContextFactory<PortalDbContext> factory, IOptions<MeteringOptions> options,
    IOptions<MarketplaceOptions> marketplace, TimeProvider time) : IUsageRecorder
{
    public async Task<UsageResult> RecordAsync(Guid organizationId, UsageInput usage, string source = "host", CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(usage.IdempotencyKey) || usage.IdempotencyKey.Length > 128 || usage.IdempotencyKey.Any(char.IsControl))
            return new(UsageOutcome.InvalidIdempotencyKey);
        if (usage.Quantity is < 0 or > int.MaxValue) return new(UsageOutcome.InvalidQuantity);
        if (UsageAllocations.Validate(usage.Quantity, usage.Allocations, out var buckets) is { } wrong)
            return new(UsageOutcome.InvalidAllocations, Problem: wrong);
        var allocations = buckets is null ? null : UsageAllocations.Serialize(buckets);
        var now = time.GetUtcNow();
        var at = usage.Timestamp ?? now;
        if (at > now + options.Value.MaxClockSkew || at < now - options.Value.Window) return new(UsageOutcome.TimestampOutOfRange);
        // Accepting usage that can no longer reach AWS in time would only expire it unbilled: say so to the caller now.
        // A minute of slack is the light pass that aggregates such late usage (MeteringWorker).
        if (now >= MeteringWindow.LastSend(at, options.Value) - TimeSpan.FromMinutes(1))
            return new(UsageOutcome.TooLateToBill, BillableUntil: MeteringWindow.Deadline(at, options.Value));

        await using var db = factory.CreateDbContext();
        // One live subscription per organization is a database rule, so this is the organization's bill; cancelled ones
        // before it (a customer who subscribed again) are history, answered only when nothing newer exists.
        var subscription = await db.Subscriptions.AsNoTracking().Where(s => s.OrganizationId == organizationId)
            .OrderBy(s => s.Status == SubscriptionStatus.Cancelled || s.Status == SubscriptionStatus.Failed).ThenByDescending(s => s.CreatedAt)
            .FirstOrDefaultAsync(ct);
        if (subscription is null) return new(UsageOutcome.NoSubscription);
        if (subscription.Status is SubscriptionStatus.Cancelled or SubscriptionStatus.Failed) return new(UsageOutcome.SubscriptionEnded, SubscriptionId: subscription.Id);
        // Between the end of the agreement and the license's deprovisioning AWS still takes usage from before the end.
        if (subscription.EndedAt is { } ended && at > ended) return new(UsageOutcome.SubscriptionEnded, SubscriptionId: subscription.Id);
        if (!IsKnownDimension(subscription.ProductCode, usage.Dimension)) return new(UsageOutcome.InvalidDimension, SubscriptionId: subscription.Id);

        var existing = await FindAsync(db, subscription.Id, usage.IdempotencyKey, ct);
        if (existing is not null) return Replay(existing, usage, allocations, subscription.Id);
        var e = new UsageEvent
        {
            SubscriptionId = subscription.Id, Dimension = usage.Dimension, Quantity = usage.Quantity, OccurredAt = at, ReceivedAt = now,
            IdempotencyKey = usage.IdempotencyKey, Source = source, Allocations = allocations,
        };
        db.UsageEvents.Add(e);
        try
        {
            await db.SaveChangesAsync(ct);
            return new(UsageOutcome.Recorded, e.Id, subscription.Id);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // The same key arrived twice at once: the other one won, answer as for a retry.
            await using var again = factory.CreateDbContext();
            return Replay((await FindAsync(again, subscription.Id, usage.IdempotencyKey, ct))!, usage, allocations, subscription.Id);
        }
    }

    private bool IsKnownDimension(string productCode, string dimension)
    {
        if (string.IsNullOrEmpty(dimension) || !DimensionName().IsMatch(dimension)) return false;
        var listed = marketplace.Value.FindProduct(productCode)?.Dimensions;
        return listed is null || listed.Count == 0 || listed.Contains(dimension, StringComparer.Ordinal);
    }

    private static Task<UsageEvent?> FindAsync(PortalDbContext db, Guid subscriptionId, string key, CancellationToken ct) =>
        db.UsageEvents.AsNoTracking().FirstOrDefaultAsync(e => e.SubscriptionId == subscriptionId && e.IdempotencyKey == key, ct);

    private static UsageResult Replay(UsageEvent existing, UsageInput usage, string? allocations, Guid subscriptionId) =>
        existing.Dimension == usage.Dimension && existing.Quantity == usage.Quantity && existing.Allocations == allocations &&
        (usage.Timestamp is null || usage.Timestamp.Value.ToUnixTimeSeconds() == existing.OccurredAt.ToUnixTimeSeconds())
            ? new(UsageOutcome.Duplicate, existing.Id, subscriptionId)
            : new(UsageOutcome.IdempotencyConflict, existing.Id, subscriptionId);

    // AWS dimension API names: letters, digits, underscore, hyphen, dot; up to 100 characters.
    [GeneratedRegex(@"^[A-Za-z0-9_.\-]{1,100}$")]
    private static partial Regex DimensionName();
}
