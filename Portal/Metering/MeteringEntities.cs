using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Metering;

/// <summary>
/// One unit of usage as the vendor's product reported it. Kept for ever (it is the evidence behind a bill);
/// <see cref="BatchId"/> marks the aggregation pass that counted it, so no event is counted twice.
/// </summary>
public sealed class UsageEvent
{
    public long Id { get; private set; }
    public Guid SubscriptionId { get; init; }
    public required string Dimension { get; init; }
    public long Quantity { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    /// <summary>The caller's key for this event: the same key twice is the same event (a retry), never new usage.</summary>
    public required string IdempotencyKey { get; init; }
    /// <summary>"api:{key id}" or "host".</summary>
    public required string Source { get; init; }
    /// <summary>The reported split by tags in <see cref="UsageAllocations"/>' canonical form; null: not split.</summary>
    public string? Allocations { get; init; }
    public Guid? BatchId { get; set; }
}

public enum MeteringStatus
{
    /// <summary>Still collecting usage for its hour; not sent yet.</summary>
    Pending = 0,
    /// <summary>Frozen and (perhaps) sent; waiting for AWS's answer. A record is only ever re-sent identically.</summary>
    Sending = 1,
    Sent = 2,
    /// <summary>
    /// AWS answered DuplicateRecord: it already holds another quantity for this customer, dimension and hour and did
    /// not honor this one, so this usage is not billed. Revenue not collected: counted, alerted, shown to the operator.
    /// https://docs.aws.amazon.com/marketplace/latest/APIReference/API_marketplace-metering_UsageRecordResult.html
    /// </summary>
    Duplicate = 3,
    CustomerNotSubscribed = 4,
    /// <summary>Older than AWS accepts: never sent, flagged for the operator.</summary>
    Expired = 5,
    /// <summary>AWS refused the record itself (after the batch was split to isolate it).</summary>
    Failed = 6,
}

/// <summary>The usage of one subscription, dimension and hour: one AWS usage record, the metering outbox.</summary>
public sealed class MeteringRecord
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public Guid SubscriptionId { get; init; }
    public required string ProductCode { get; init; }
    public string? CustomerAwsAccountId { get; init; }
    public string? LicenseArn { get; init; }
    public string? CustomerIdentifier { get; init; }
    public required string Dimension { get; init; }
    public DateTimeOffset HourStart { get; init; }
    public long Quantity { get; set; }
    /// <summary>
    /// The split of <see cref="Quantity"/> by tags, summing to it (canonical JSON of <see cref="UsageAllocations"/>), sent
    /// as the record's UsageAllocations; null when none of its usage was split. Changes only with the quantity.
    /// </summary>
    public string? Allocations { get; set; }
    public MeteringStatus Status { get; set; }
    public string? AwsMeteringRecordId { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? SentAt { get; set; }
}

/// <summary>Who sends metering now: with several instances only the holder of an unexpired lease sends.</summary>
public sealed class MeteringLease
{
    public required string Name { get; init; }
    public required string Holder { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    /// <summary>
    /// The fencing token: raised whenever the lease changes hands (or lapses), so a holder that lost it and got it
    /// back, or an old in-flight round, can tell its writes belong to a lease that no longer exists.
    /// </summary>
    public long Generation { get; set; }
}

internal sealed class UsageEventConfiguration : IEntityTypeConfiguration<UsageEvent>
{
    public void Configure(EntityTypeBuilder<UsageEvent> b)
    {
        b.ToTable("UsageEvents");
        b.Property(e => e.Dimension).HasMaxLength(100);
        b.Property(e => e.IdempotencyKey).HasMaxLength(128);
        b.Property(e => e.Source).HasMaxLength(64);
        b.HasIndex(e => new { e.SubscriptionId, e.IdempotencyKey }).IsUnique();
        b.HasIndex(e => new { e.BatchId, e.OccurredAt });
        b.HasOne<Marketplace.Subscriptions.MarketplaceSubscription>().WithMany().HasForeignKey(e => e.SubscriptionId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MeteringRecordConfiguration : IEntityTypeConfiguration<MeteringRecord>
{
    public void Configure(EntityTypeBuilder<MeteringRecord> b)
    {
        b.ToTable("MeteringRecords");
        b.Property(r => r.ProductCode).HasMaxLength(255);
        b.Property(r => r.CustomerAwsAccountId).HasMaxLength(32);
        b.Property(r => r.LicenseArn).HasMaxLength(512);
        b.Property(r => r.CustomerIdentifier).HasMaxLength(255);
        b.Property(r => r.Dimension).HasMaxLength(100);
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(32);
        b.Property(r => r.AwsMeteringRecordId).HasMaxLength(128);
        b.Property(r => r.LastError).HasMaxLength(500);
        // AWS keeps one record per customer, dimension and hour; so do we.
        b.HasIndex(r => new { r.SubscriptionId, r.Dimension, r.HourStart }).IsUnique();
        b.HasIndex(r => new { r.Status, r.NextAttemptAt });
        b.HasOne<Marketplace.Subscriptions.MarketplaceSubscription>().WithMany().HasForeignKey(r => r.SubscriptionId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MeteringLeaseConfiguration : IEntityTypeConfiguration<MeteringLease>
{
    public void Configure(EntityTypeBuilder<MeteringLease> b)
    {
        b.ToTable("Leases");
        b.HasKey(l => l.Name);
        b.Property(l => l.Name).HasMaxLength(64);
        b.Property(l => l.Holder).HasMaxLength(128);
    }
}
