using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data;

namespace Portal.Operations;

/// <summary>A data-protection key ring entry, kept in the portal's database so every instance shares it.</summary>
public sealed class DataProtectionKey
{
    public int Id { get; set; }
    public required string FriendlyName { get; init; }
    public required string Xml { get; init; }
}

internal sealed class DataProtectionKeyConfiguration : IEntityTypeConfiguration<DataProtectionKey>
{
    public void Configure(EntityTypeBuilder<DataProtectionKey> b)
    {
        b.ToTable("DataProtectionKeys");
        b.Property(k => k.FriendlyName).HasMaxLength(200);
        b.HasIndex(k => k.FriendlyName).IsUnique();
    }
}

/// <summary>
/// Stores the ASP.NET Core data-protection key ring in the database (the EF package for this is not available
/// here): cookies, onboarding tickets and antiforgery tokens issued by one instance are honoured by every other.
/// </summary>
public sealed class DatabaseKeyRepository(IDbContextFactory<PortalDbContext> factory) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var db = factory.CreateDbContext();
        return db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => k.Xml).AsEnumerable().Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var db = factory.CreateDbContext();
        db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        try { db.SaveChanges(); }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex)) { } // two instances made the same key id: one row is enough
    }
}
