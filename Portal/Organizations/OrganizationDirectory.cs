using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Organizations;

/// <summary>One of the user's organizations, and whether this subscription may bill it.</summary>
public sealed record OrganizationOption(Guid Id, string Name, OrganizationRole Role, bool BilledElsewhere)
{
    public bool Selectable => Role == OrganizationRole.Admin && !BilledElsewhere;
}

public sealed class OrganizationDirectory(IDbContextFactory<PortalDbContext> factory)
{
    public async Task<IReadOnlyList<OrganizationOption>> ForUserAsync(string userId, Guid currentSubscriptionId, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        var rows = await (from m in db.OrganizationMembers
                          join o in db.Organizations on m.OrganizationId equals o.Id
                          where m.UserId == userId
                          select new
                          {
                              o.Id, o.Name, m.Role,
                              // Only a live subscription bills it: a cancelled one leaves the organization free again.
                              Billed = db.Subscriptions.Any(s => s.OrganizationId == o.Id && s.Id != currentSubscriptionId
                                  && s.Status != Marketplace.Subscriptions.SubscriptionStatus.Cancelled
                                  && s.Status != Marketplace.Subscriptions.SubscriptionStatus.Failed),
                          }).ToListAsync(ct);
        return rows.OrderBy(r => r.Name).Select(r => new OrganizationOption(r.Id, r.Name, r.Role, r.Billed)).ToList();
    }

    public async Task<IReadOnlyList<Workspace>> WorkspacesAsync(Guid organizationId, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        return await db.Workspaces.AsNoTracking().Where(w => w.OrganizationId == organizationId).OrderBy(w => w.Name).ToListAsync(ct);
    }

    public async Task<OrganizationRole?> RoleAsync(Guid organizationId, string userId, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        return await db.OrganizationMembers.Where(m => m.OrganizationId == organizationId && m.UserId == userId)
            .Select(m => (OrganizationRole?)m.Role).FirstOrDefaultAsync(ct);
    }
}
