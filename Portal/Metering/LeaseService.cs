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

    public async Task<bool> TryAcquireAsync(string name, TimeSpan duration, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var until = now + duration;
        var holder = Holder;
        await using var db = factory.CreateDbContext();
        var taken = await db.Leases.Where(l => l.Name == name && (l.Holder == holder || l.ExpiresAt < now))
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Holder, holder).SetProperty(l => l.ExpiresAt, until), ct);
        if (taken == 1) return true;
        if (await db.Leases.AnyAsync(l => l.Name == name, ct)) return false;
        db.Leases.Add(new MeteringLease { Name = name, Holder = holder, ExpiresAt = until });
        try
        {
            await db.SaveChangesAsync(ct);
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
