using Microsoft.EntityFrameworkCore;
using Portal.Admin;
using Portal.Admin.Extensions;
using Portal.Data;

namespace Portal.Metering;

public sealed record UnbilledTotal(MeteringStatus Status, int Records, long Quantity);

/// <summary>
/// The console's "needs attention" for metering: usage AWS will not bill (DuplicateRecord, expired before it could be
/// sent, refused, not subscribed), newest first, with totals per reason. Every call demands VendorAdmin.
/// </summary>
public sealed class MeteringAttention(AdminAccess access, IDbContextFactory<PortalDbContext> factory)
{
    public static readonly MeteringStatus[] NotBilled =
        [MeteringStatus.Duplicate, MeteringStatus.Expired, MeteringStatus.Failed, MeteringStatus.CustomerNotSubscribed];

    public async Task<IReadOnlyList<UnbilledTotal>> TotalsAsync(CancellationToken ct = default)
    {
        await access.DemandAsync();
        await using var db = factory.CreateDbContext();
        var rows = await db.MeteringRecords.Where(r => NotBilled.Contains(r.Status))
            .GroupBy(r => r.Status).Select(g => new { g.Key, Count = g.Count(), Quantity = g.Sum(r => r.Quantity) }).ToListAsync(ct);
        return [.. rows.OrderBy(r => r.Key).Select(r => new UnbilledTotal(r.Key, r.Count, r.Quantity))];
    }

    public async Task<OutboxPage<MeteringRecord>> NeedsAttentionAsync(int skip, int take, CancellationToken ct = default)
    {
        await access.DemandAsync();
        await using var db = factory.CreateDbContext();
        var q = db.MeteringRecords.AsNoTracking().Where(r => NotBilled.Contains(r.Status));
        var count = await q.CountAsync(ct);
        var items = await q.OrderByDescending(r => r.HourStart).ThenBy(r => r.SubscriptionId).ThenBy(r => r.Dimension)
            .Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        return new(items, count);
    }
}
