using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Accounts;
using Portal.Email;

namespace Portal.Organizations;

internal sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> b)
    {
        b.ToTable("Organizations");
        b.Property(o => o.Name).HasMaxLength(100).IsRequired();
        // NULLs are distinct in a unique index on both providers: organizations made here carry none.
        b.Property(o => o.ExternalId).HasMaxLength(128);
        b.HasIndex(o => o.ExternalId).IsUnique();
        b.HasMany(o => o.Members).WithOne().HasForeignKey(m => m.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(o => o.Workspaces).WithOne().HasForeignKey(w => w.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OrganizationMemberConfiguration : IEntityTypeConfiguration<OrganizationMember>
{
    public void Configure(EntityTypeBuilder<OrganizationMember> b)
    {
        b.ToTable("OrganizationMembers");
        b.HasKey(m => new { m.OrganizationId, m.UserId });
        b.Property(m => m.UserId).HasMaxLength(450);
        b.Property(m => m.Role).HasConversion<string>().HasMaxLength(16);
        b.HasOne<ApplicationUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(m => m.UserId);
    }
}

internal sealed class WorkspaceConfiguration : IEntityTypeConfiguration<Workspace>
{
    public void Configure(EntityTypeBuilder<Workspace> b)
    {
        b.ToTable("Workspaces");
        b.Property(w => w.Name).HasMaxLength(100).IsRequired();
        b.Property(w => w.Language).HasMaxLength(16).IsRequired();
        b.Property(w => w.Site).HasMaxLength(64).IsRequired();
        b.HasIndex(w => new { w.OrganizationId, w.Name }).IsUnique();
        b.HasOne<Marketplace.Subscriptions.MarketplaceSubscription>().WithMany().HasForeignKey(w => w.LinkedSubscriptionId).OnDelete(DeleteBehavior.SetNull);
        b.Property(w => w.ExternalId).HasMaxLength(128);
        b.HasIndex(w => new { w.OrganizationId, w.ExternalId }).IsUnique();
    }
}

internal sealed class EmailVerificationConfiguration : IEntityTypeConfiguration<EmailVerification>
{
    public void Configure(EntityTypeBuilder<EmailVerification> b)
    {
        b.ToTable("EmailVerifications");
        b.Property(v => v.UserId).HasMaxLength(450);
        b.Property(v => v.CodeHash).HasMaxLength(128).IsRequired();
        b.Property(v => v.LinkTokenHash).HasMaxLength(128).IsRequired();
        b.HasIndex(v => v.LinkTokenHash).IsUnique();
        b.HasIndex(v => v.UserId);
        b.HasOne<ApplicationUser>().WithMany().HasForeignKey(v => v.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SignInTicketConfiguration : IEntityTypeConfiguration<SignInTicket>
{
    public void Configure(EntityTypeBuilder<SignInTicket> b)
    {
        b.ToTable("SignInTickets");
        b.Property(t => t.TokenHash).HasMaxLength(128).IsRequired();
        b.HasIndex(t => t.TokenHash).IsUnique();
        b.Property(t => t.UserId).HasMaxLength(450);
        b.HasOne<ApplicationUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
