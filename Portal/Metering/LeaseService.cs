using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Metering;

/// <summary>
/// A named lease in the database: with several instances on one database only the holder does the work. Taken or
/// renewed by one conditional UPDATE, so two instances can never both believe they hold it.
/// </summary>
public sealed class LeaseService(IDbContextFactory<PortalDbContext> factory, TimeProvider time)
{
    /// <summary>This instance's name in the lease table: unique per process, readable for the operator.</summary>
    public string Holder { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> generations = new(StringComparer.Ordinal);

    /// <summary>The fence of the lease this instance last acquired, for writes that must belong to it.</summary>
    public LeaseFence? Fence(string name) => generations.TryGetValue(name, out var g) ? new LeaseFence(name, Holder, g) : null;

    /// <summary>
    /// Renews the lease inside <paramref name="db"/>'s transaction if it is still the one fenced: true, and until the
    /// transaction ends a takeover (an UPDATE of the same row) waits for it; false, and the caller must not write.
    /// </summary>
    public async Task<bool> HoldsAsync(PortalDbContext db, LeaseFence fence, TimeSpan duration, CancellationToken ct = default)
    {
        var until = time.GetUtcNow() + duration;
        return await db.Leases.Where(l => l.Name == fence.Name && l.Holder == fence.Holder && l.Generation == fence.Generation)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.ExpiresAt, until), ct) == 1;
    }

    public async Task<bool> TryAcquireAsync(string name, TimeSpan duration, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var until = now + duration;
        var holder = Holder;
        await using var db = factory.CreateDbContext();
        // A renewal keeps the generation; a takeover, or a lapse this holder comes back from, raises it.
        var taken = await db.Leases.Where(l => l.Name == name && (l.Holder == holder || l.ExpiresAt < now))
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Generation, l => l.Holder == holder && l.ExpiresAt >= now ? l.Generation : l.Generation + 1)
                .SetProperty(l => l.Holder, holder).SetProperty(l => l.ExpiresAt, until), ct);
        if (taken == 1)
        {
            generations[name] = await db.Leases.Where(l => l.Name == name).Select(l => l.Generation).FirstAsync(ct);
            return true;
        }
        if (await db.Leases.AnyAsync(l => l.Name == name, ct)) return false;
        db.Leases.Add(new MeteringLease { Name = name, Holder = holder, ExpiresAt = until, Generation = 1 });
        try
        {
            await db.SaveChangesAsync(ct);
            generations[name] = 1;
            return true;
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return false; // another instance created it first
        }
    }

    public async Task ReleaseAsync(string name, CancellationToken ct = default)
    {
        var holder = Holder;
        var past = time.GetUtcNow().AddSeconds(-1);
        await using var db = factory.CreateDbContext();
        await db.Leases.Where(l => l.Name == name && l.Holder == holder).ExecuteUpdateAsync(u => u.SetProperty(l => l.ExpiresAt, past), ct);
    }
}

/// <summary>Which lease, holder and generation a write must still belong to.</summary>
public sealed record LeaseFence(string Name, string Holder, long Generation);
