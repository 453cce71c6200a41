using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Marketplace.Entitlements;

/// <summary>What a contract buyer bought, per dimension, as GetEntitlements last reported it.</summary>
public sealed class SubscriptionEntitlement
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public Guid SubscriptionId { get; init; }
    public required string Dimension { get; init; }
    /// <summary>The value as AWS sent it (integer, double, boolean or string), in invariant culture.</summary>
    public string? Value { get; init; }
    public string? ValueType { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset RefreshedAt { get; init; }

    public bool IsActive(DateTimeOffset now) => ExpiresAt is null || ExpiresAt > now;
}

internal sealed class SubscriptionEntitlementConfiguration : IEntityTypeConfiguration<SubscriptionEntitlement>
{
    public void Configure(EntityTypeBuilder<SubscriptionEntitlement> b)
    {
        b.ToTable("Entitlements");
        b.Property(e => e.Dimension).HasMaxLength(100);
        b.Property(e => e.Value).HasMaxLength(255);
        b.Property(e => e.ValueType).HasMaxLength(16);
        b.HasIndex(e => new { e.SubscriptionId, e.Dimension }).IsUnique();
        b.HasOne<Subscriptions.MarketplaceSubscription>().WithMany().HasForeignKey(e => e.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
    }
}
