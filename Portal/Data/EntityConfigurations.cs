using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Audit;
using Portal.Marketplace.Subscriptions;
using Portal.Onboarding;

namespace Portal.Data;

internal sealed class MarketplaceSubscriptionConfiguration : IEntityTypeConfiguration<MarketplaceSubscription>
{
    public void Configure(EntityTypeBuilder<MarketplaceSubscription> b)
    {
        b.ToTable("MarketplaceSubscriptions");
        b.Property(s => s.ProductCode).HasMaxLength(255).IsRequired();
        b.Property(s => s.CustomerAwsAccountId).HasMaxLength(32).IsRequired();
        b.Property(s => s.LicenseArn).HasMaxLength(512);
        b.Property(s => s.CustomerIdentifier).HasMaxLength(255);
        b.Property(s => s.OfferType).HasConversion<string>().HasMaxLength(16);
        b.Property(s => s.Status).HasConversion<string>().HasMaxLength(32);
        // A subscription is identified by its license when AWS sends one, else by the legacy customer identifier.
        b.HasIndex(s => new { s.ProductCode, s.LicenseArn }).IsUnique()
            .HasFilter("\"LicenseArn\" IS NOT NULL").HasDatabaseName("UX_Subscriptions_Product_License");
        // AWS names a returning legacy customer by the same CustomerIdentifier (it identifies the customer, not a
        // purchase: https://docs.aws.amazon.com/marketplace/latest/APIReference/API_marketplace-metering_ResolveCustomer.html), so a
        // cancelled row, which is final, must not stop the resubscription's new row.
        b.HasIndex(s => new { s.ProductCode, s.CustomerIdentifier }).IsUnique()
            .HasFilter("\"LicenseArn\" IS NULL AND \"CustomerIdentifier\" IS NOT NULL AND \"Status\" <> 'Cancelled'")
            .HasDatabaseName("UX_Subscriptions_Product_Customer");
        b.HasIndex(s => s.CustomerAwsAccountId);
        b.Property(s => s.AgreementId).HasMaxLength(64);
        // An agreement is one purchase: it belongs to exactly one subscription.
        b.HasIndex(s => s.AgreementId).IsUnique().HasFilter("\"AgreementId\" IS NOT NULL").HasDatabaseName("UX_Subscriptions_Agreement");
        // One subscription per organization, and (FLOWS.md) one linked PAYG subscription per AWS account and product,
        // the latter only for listings without Concurrent Agreements: the row carries the product's setting from its
        // creation, so the per-product rule is a plain filtered index. A listing with Concurrent Agreements lets an
        // account hold several purchases, each its own license and agreement (and organization).
        // Both count live subscriptions only: a cancelled (or failed) one stays linked to its organization as history, and
        // the customer who subscribes again may bill the same organization, or the same account a new one.
        b.HasIndex(s => s.OrganizationId).IsUnique()
            .HasFilter("\"OrganizationId\" IS NOT NULL AND \"Status\" NOT IN ('Cancelled', 'Failed')")
            .HasDatabaseName("UX_Subscriptions_Organization");
        b.HasIndex(s => new { s.ProductCode, s.CustomerAwsAccountId }).IsUnique()
            .HasFilter("\"OfferType\" = 'Payg' AND \"OrganizationId\" IS NOT NULL AND \"Status\" NOT IN ('Cancelled', 'Failed') AND \"ConcurrentAgreements\" = FALSE")
            .HasDatabaseName("UX_Subscriptions_OnePaygPerAccount");
        b.HasOne<Organizations.Organization>().WithMany().HasForeignKey(s => s.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        b.Property(s => s.LinkedByUserId).HasMaxLength(450);
        // Without either key AWS gave us nothing to bill against: refuse such a row outright.
        b.ToTable(t => t.HasCheckConstraint("CK_Subscriptions_HasKey",
            "\"LicenseArn\" IS NOT NULL OR \"CustomerIdentifier\" IS NOT NULL"));
        // Nothing revives an ended agreement: once it has an end, it is ending or cancelled.
        b.ToTable(t => t.HasCheckConstraint("CK_Subscriptions_EndedIsEnding",
            "\"EndedAt\" IS NULL OR \"Status\" IN ('PendingCancellation', 'Cancelled')"));
    }
}

internal sealed class OnboardingSessionConfiguration : IEntityTypeConfiguration<OnboardingSession>
{
    public void Configure(EntityTypeBuilder<OnboardingSession> b)
    {
        b.ToTable("OnboardingSessions");
        b.Property(s => s.TokenHash).HasMaxLength(64).IsRequired();
        b.HasIndex(s => s.TokenHash).IsUnique();
        b.Property(s => s.UserId).HasMaxLength(450);
        b.Property(s => s.Step).HasConversion<string>().HasMaxLength(32);
        b.Property(s => s.Data).IsRequired();
        b.Property(s => s.Version).IsConcurrencyToken();
        b.HasOne(s => s.Subscription).WithMany().HasForeignKey(s => s.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Accounts.ApplicationUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> b)
    {
        b.ToTable("AuditEvents");
        b.Property(e => e.Type).HasMaxLength(64).IsRequired();
        b.Property(e => e.Actor).HasMaxLength(450).IsRequired();
        b.Property(e => e.Details).HasMaxLength(4000);
        b.HasIndex(e => new { e.SubscriptionId, e.OccurredAt });
        b.HasIndex(e => e.OccurredAt);
    }
}
