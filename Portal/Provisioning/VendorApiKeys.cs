using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Audit;
using Portal.Data;
using Portal.Metering;

namespace Portal.Provisioning;

/// <summary>
/// A key the vendor's own product uses to provision organizations (the whole vendor, not one organization, unlike
/// the usage keys of <see cref="ApiKey"/>). Hashed the same way: 256 random bits, SHA-256, shown once.
/// </summary>
public sealed class VendorApiKey
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public required string Name { get; init; }
    /// <summary>The key's first characters, to tell keys apart in lists; not enough to use it.</summary>
    public required string Prefix { get; init; }
    public required string KeyHash { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
}

internal sealed class VendorApiKeyConfiguration : IEntityTypeConfiguration<VendorApiKey>
{
    public void Configure(EntityTypeBuilder<VendorApiKey> b)
    {
        b.ToTable("VendorApiKeys");
        b.Property(k => k.Name).HasMaxLength(100);
        b.Property(k => k.Prefix).HasMaxLength(16);
        b.Property(k => k.KeyHash).HasMaxLength(64);
        b.Property(k => k.CreatedBy).HasMaxLength(450);
        b.HasIndex(k => k.KeyHash).IsUnique();
    }
}

public sealed record CreatedVendorApiKey(VendorApiKey Key, string PlainKey);

public sealed class VendorApiKeyService(IDbContextFactory<PortalDbContext> factory, TimeProvider time)
{
    /// <summary>Distinct from the usage keys' <c>mpk_</c>: a key pasted in the wrong place is refused at once.</summary>
    public const string KeyPrefix = "vpk_";

    public async Task<CreatedVendorApiKey> CreateAsync(string name, string createdBy, CancellationToken ct = default)
    {
        var plain = KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var key = new VendorApiKey
        {
            Name = name.Trim(), Prefix = plain[..12], KeyHash = ApiKeyService.Hash(plain), CreatedAt = time.GetUtcNow(), CreatedBy = createdBy,
        };
        await using var db = factory.CreateDbContext();
        db.Set<VendorApiKey>().Add(key);
        db.AuditEvents.Add(new AuditEvent { Type = "vendorkey.created", OccurredAt = key.CreatedAt, Actor = createdBy, Details = $"{key.Prefix}… {key.Name}" });
        await db.SaveChangesAsync(ct);
        return new(key, plain);
    }

    public async Task<List<VendorApiKey>> ListAsync(CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        var keys = await db.Set<VendorApiKey>().AsNoTracking().ToListAsync(ct);
        return [.. keys.OrderByDescending(k => k.CreatedAt)];
    }

    public async Task<bool> RevokeAsync(Guid keyId, string actor, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        var now = time.GetUtcNow();
        var revoked = await db.Set<VendorApiKey>().Where(k => k.Id == keyId && k.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(k => k.RevokedAt, now), ct);
        if (revoked == 1)
        {
            db.AuditEvents.Add(new AuditEvent { Type = "vendorkey.revoked", OccurredAt = now, Actor = actor, Details = keyId.ToString() });
            await db.SaveChangesAsync(ct);
        }
        return revoked == 1;
    }

    /// <summary>The live key matching <paramref name="plain"/>, or null; looked up by hash like the usage keys.</summary>
    public async Task<VendorApiKey?> AuthenticateAsync(string? plain, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(plain) || plain.Length > 200 || !plain.StartsWith(KeyPrefix, StringComparison.Ordinal)) return null;
        var hash = ApiKeyService.Hash(plain);
        await using var db = factory.CreateDbContext();
        var key = await db.Set<VendorApiKey>().AsNoTracking().FirstOrDefaultAsync(k => k.KeyHash == hash && k.RevokedAt == null, ct);
        if (key is null) return null;
        var now = time.GetUtcNow();
        // A minute's precision for the console's "last used" spares a write per request.
        if (key.LastUsedAt is null || now - key.LastUsedAt > TimeSpan.FromMinutes(1))
            await db.Set<VendorApiKey>().Where(k => k.Id == key.Id).ExecuteUpdateAsync(u => u.SetProperty(k => k.LastUsedAt, now), ct);
        return key;
    }
}
