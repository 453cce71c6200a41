using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Accounts;
using Portal.Marketplace.Subscriptions;

namespace Portal.Organizations.Members;

internal sealed class OrganizationInvitationConfiguration : IEntityTypeConfiguration<OrganizationInvitation>
{
    public void Configure(EntityTypeBuilder<OrganizationInvitation> b)
    {
        b.ToTable("OrganizationInvitations");
        b.Property(i => i.Email).HasMaxLength(256).IsRequired();
        b.Property(i => i.NormalizedEmail).HasMaxLength(256).IsRequired();
        b.Property(i => i.Role).HasConversion<string>().HasMaxLength(16);
        b.Property(i => i.TokenHash).HasMaxLength(128).IsRequired();
        b.Property(i => i.InvitedByUserId).HasMaxLength(450);
        b.Property(i => i.AcceptedByUserId).HasMaxLength(450);
        b.HasIndex(i => i.TokenHash).IsUnique();
        // One open invitation per address and organization: two admins inviting the same person at once get one row.
        b.HasIndex(i => new { i.OrganizationId, i.NormalizedEmail }).IsUnique()
            .HasFilter("\"AcceptedAt\" IS NULL AND \"RevokedAt\" IS NULL").HasDatabaseName("IX_OrganizationInvitations_Open");
        b.HasOne<Organization>().WithMany().HasForeignKey(i => i.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        // No foreign key to the inviter: an admin who later leaves or deletes the account leaves the invitation valid.
    }
}

internal sealed class LinkRequestConfiguration : IEntityTypeConfiguration<LinkRequest>
{
    public void Configure(EntityTypeBuilder<LinkRequest> b)
    {
        b.ToTable("LinkRequests");
        b.HasKey(r => new { r.UserId, r.SubscriptionId });
        b.Property(r => r.UserId).HasMaxLength(450);
        b.HasOne<Organization>().WithMany().HasForeignKey(r => r.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<MarketplaceSubscription>().WithMany().HasForeignKey(r => r.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ApplicationUser>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
