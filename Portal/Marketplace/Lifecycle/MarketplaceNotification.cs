using Microsoft.EntityFrameworkCore;

namespace Portal.Marketplace.Lifecycle;

/// <summary>
/// A lifecycle message received from AWS, kept once per MessageId (the primary key is the de-duplication). One for a
/// customer not yet onboarded waits here, unapplied, until the subscription appears.
/// </summary>
public sealed class MarketplaceNotification
{
    public required string MessageId { get; init; }
    public required string Source { get; init; }
    public LifecycleAction Action { get; init; }
    public required string ProductCode { get; init; }
    public string? CustomerIdentifier { get; init; }
    public string? CustomerAwsAccountId { get; init; }
    public string? LicenseArn { get; init; }
    /// <summary>The AWS agreement an EventBridge event names; agreement events name nothing else (no product, no license).</summary>
    public string? AgreementId { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    /// <summary>What makes two deliveries the same change even under different ids (EventBridge's two roles).</summary>
    public string? DedupKey { get; init; }
    public Guid? SubscriptionId { get; set; }
    public DateTimeOffset? AppliedAt { get; set; }
    public string? Outcome { get; set; }

    /// <summary>
    /// Whether the identifiers look like AWS's and fit their columns: an account id of 12 digits, the others printable
    /// ASCII. Anything else is not from AWS (or is broken) and must not be kept waiting for a customer who never comes.
    /// </summary>
    public bool IsWellFormed() =>
        Printable(MessageId, 128) && (Printable(ProductCode, 255) || (ProductCode.Length == 0 && AgreementId is not null))
        && (AgreementId is null || IsAgreementId(AgreementId)) && (CustomerIdentifier is null || Printable(CustomerIdentifier, 255))
        && (LicenseArn is null || Printable(LicenseArn, 512)) && (DedupKey is null || DedupKey.Length <= 300)
        && (CustomerAwsAccountId is null || (CustomerAwsAccountId.Length == 12 && CustomerAwsAccountId.All(char.IsAsciiDigit)));

    /// <summary>AWS agreement ids look like "agmt-4mwg1nevbokzw95eca5797ixs".</summary>
    private static bool IsAgreementId(string value) =>
        value.Length is > 5 and <= 64 && value.StartsWith("agmt-", StringComparison.Ordinal) && value[5..].All(char.IsAsciiLetterOrDigit);

    private static bool Printable(string value, int max) => value.Length > 0 && value.Length <= max && value.All(c => c is > ' ' and <= '~');
}

internal sealed class MarketplaceNotificationConfiguration : Microsoft.EntityFrameworkCore.IEntityTypeConfiguration<MarketplaceNotification>
{
    public void Configure(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<MarketplaceNotification> b)
    {
        b.ToTable("MarketplaceNotifications");
        b.HasKey(n => n.MessageId);
        b.Property(n => n.MessageId).HasMaxLength(128);
        b.Property(n => n.Source).HasMaxLength(16);
        b.Property(n => n.Action).HasConversion<string>().HasMaxLength(32);
        b.Property(n => n.ProductCode).HasMaxLength(255);
        b.Property(n => n.CustomerIdentifier).HasMaxLength(255);
        b.Property(n => n.CustomerAwsAccountId).HasMaxLength(32);
        b.Property(n => n.LicenseArn).HasMaxLength(512);
        b.Property(n => n.Outcome).HasMaxLength(200);
        b.HasIndex(n => new { n.ProductCode, n.AppliedAt });
        b.Property(n => n.AgreementId).HasMaxLength(64);
        b.HasIndex(n => new { n.AgreementId, n.AppliedAt });
        b.Property(n => n.DedupKey).HasMaxLength(300);
        b.HasIndex(n => n.DedupKey).IsUnique().HasFilter(null); // NULLs never collide on either provider
    }
}
