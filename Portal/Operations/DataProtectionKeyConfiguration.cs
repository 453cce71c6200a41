using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Operations;

/// <summary>
/// The framework's key ring entity (<see cref="DataProtectionKey"/>, stored by <c>PersistKeysToDbContext</c>) on the
/// table the portal already had: same name and columns, and the stricter rules kept (NOT NULL, one row per key), so
/// existing keys, and the cookies and tickets they protect, survive the switch without a migration.
/// </summary>
internal sealed class DataProtectionKeyConfiguration : IEntityTypeConfiguration<DataProtectionKey>
{
    public void Configure(EntityTypeBuilder<DataProtectionKey> b)
    {
        b.ToTable("DataProtectionKeys");
        b.Property(k => k.FriendlyName).HasMaxLength(200).IsRequired();
        b.Property(k => k.Xml).IsRequired();
        b.HasIndex(k => k.FriendlyName).IsUnique();
    }
}
