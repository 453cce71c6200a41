using Microsoft.EntityFrameworkCore;
using Portal.Admin;
using Portal.Admin.Extensions;
using Portal.Data;

namespace Portal.Marketplace.Lifecycle;

/// <summary>
/// The console's list of lifecycle messages the portal could not place yet (no subscription with that license,
/// agreement or customer): kept, never refused, because a refusal makes EventBridge retry and then drop them. They
/// apply by themselves when the subscription appears or a License event links the agreement. VendorAdmin only.
/// </summary>
public sealed class UnplacedNotifications(AdminAccess access, IDbContextFactory<PortalDbContext> factory)
{
    public async Task<OutboxPage<MarketplaceNotification>> ListAsync(int skip, int take, CancellationToken ct = default)
    {
        await access.DemandAsync();
        await using var db = factory.CreateDbContext();
        var q = db.MarketplaceNotifications.AsNoTracking().Where(n => n.AppliedAt == null);
        var count = await q.CountAsync(ct);
        var items = await q.OrderByDescending(n => n.ReceivedAt).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        return new(items, count);
    }
}
