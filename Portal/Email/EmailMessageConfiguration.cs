using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Email;

internal sealed class EmailMessageConfiguration : IEntityTypeConfiguration<EmailMessage>
{
    public void Configure(EntityTypeBuilder<EmailMessage> b)
    {
        b.ToTable("EmailMessages");
        b.Property(e => e.To).HasMaxLength(320).IsRequired();
        b.Property(e => e.Subject).HasMaxLength(300).IsRequired();
        b.Property(e => e.Kind).HasMaxLength(64).IsRequired();
        b.Property(e => e.Culture).HasMaxLength(16).IsRequired();
        b.Property(e => e.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.LastError).HasMaxLength(EmailMessage.MaxErrorLength);
        // The worker's due query (EmailOutbox.Due) reads pending rows only; sent ones pile up for ever, so the index
        // leaves them out (same filter text on SQLite and PostgreSQL: both quote identifiers with ").
        b.HasIndex(e => new { e.CreatedAt, e.NextAttemptAt, e.ClaimedUntil }).HasDatabaseName("IX_EmailMessages_Due")
            .HasFilter("\"Status\" = 'Pending'");
        b.HasIndex(e => e.ClaimToken);
        b.HasIndex(e => e.CreatedAt);
    }
}
