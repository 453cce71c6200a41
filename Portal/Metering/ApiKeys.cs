using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Audit;
using Portal.Data;

namespace Portal.Metering;

/// <summary>
/// A key the vendor's product uses to report an organization's usage. Only a SHA-256 hash is stored: the keys are
/// 256 random bits, so a fast hash is enough (no password stretching needed) and the plain key is shown once.
/// </summary>
public sealed class ApiKey
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public Guid OrganizationId { get; init; }
    public required string Name { get; init; }
    /// <summary>The key's first characters, to tell keys apart in lists; not enough to use it.</summary>
    public required string Prefix { get; init; }
    public required string KeyHash { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.ToTable("ApiKeys");
        b.Property(k => k.Name).HasMaxLength(100);
        b.Property(k => k.Prefix).HasMaxLength(16);
        b.Property(k => k.KeyHash).HasMaxLength(64);
        b.Property(k => k.CreatedBy).HasMaxLength(450);
        b.HasIndex(k => k.KeyHash).IsUnique();
        b.HasIndex(k => k.OrganizationId);
        b.HasOne<Organizations.Organization>().WithMany().HasForeignKey(k => k.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed record CreatedApiKey(ApiKey Key, string PlainKey);

public sealed class ApiKeyService(IDbContextFactory<PortalDbContext> factory, TimeProvider time)
{
    public const string KeyPrefix = "mpk_";

    public async Task<CreatedApiKey> CreateAsync(Guid organizationId, string name, string createdBy, CancellationToken ct = default)
    {
        var plain = KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey
        {
            OrganizationId = organizationId, Name = name.Trim(), Prefix = plain[..12], KeyHash = Hash(plain),
            CreatedAt = time.GetUtcNow(), CreatedBy = createdBy,
        };
        await using var db = factory.CreateDbContext();
        db.ApiKeys.Add(key);
        db.AuditEvents.Add(new AuditEvent { Type = "apikey.created", OccurredAt = key.CreatedAt, Actor = createdBy, Details = $"organization {organizationId}: {key.Prefix}… {key.Name}" });
        await db.SaveChangesAsync(ct);
        return new(key, plain);
    }

    public async Task<List<ApiKey>> ListAsync(Guid organizationId, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.OrganizationId == organizationId).ToListAsync(ct);
        return [.. keys.OrderByDescending(k => k.CreatedAt)];
    }

    public async Task<bool> RevokeAsync(Guid organizationId, Guid keyId, string actor, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        var now = time.GetUtcNow();
        var revoked = await db.ApiKeys.Where(k => k.Id == keyId && k.OrganizationId == organizationId && k.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(k => k.RevokedAt, now), ct);
        if (revoked == 1)
        {
            db.AuditEvents.Add(new AuditEvent { Type = "apikey.revoked", OccurredAt = now, Actor = actor, Details = $"organization {organizationId}: {keyId}" });
            await db.SaveChangesAsync(ct);
        }
        return revoked == 1;
    }

    /// <summary>The live key matching <paramref name="plain"/>, or null. Looked up by hash: no timing hint about other keys.</summary>
    public async Task<ApiKey?> AuthenticateAsync(string? plain, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(plain) || plain.Length > 200 || !plain.StartsWith(KeyPrefix, StringComparison.Ordinal)) return null;
        var hash = Hash(plain);
        await using var db = factory.CreateDbContext();
        var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.KeyHash == hash && k.RevokedAt == null, ct);
        if (key is null) return null;
        var now = time.GetUtcNow();
        // Last use is for the owner's list; a minute's precision spares a write per request.
        if (key.LastUsedAt is null || now - key.LastUsedAt > TimeSpan.FromMinutes(1))
            await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(u => u.SetProperty(k => k.LastUsedAt, now), ct);
        return key;
    }

    public static string Hash(string plain) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(plain)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
