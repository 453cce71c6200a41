using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Marketplace.Entitlements;
using Portal.Marketplace.Subscriptions;

namespace Portal.Organizations.Home;

/// <summary>One of a person's organizations, as the switcher and "Your account" list it.</summary>
public sealed record OrganizationSummary(Guid Id, string Name, OrganizationRole Role, SubscriptionStatus? BillingStatus, bool Disabled);

/// <summary>What the organization home shows: the organization, the viewer's role, and how it is billed.</summary>
public sealed record OrganizationView(
    Organization Organization, OrganizationRole Role, IReadOnlyList<Workspace> Workspaces,
    MarketplaceSubscription? Subscription, IReadOnlyList<MarketplaceSubscription> History, IReadOnlyList<SubscriptionEntitlement> Entitlements)
{
    public bool IsAdmin => Role == OrganizationRole.Admin;
}

/// <summary>
/// Read side of the buyer's home. Every answer is scoped to the asking user's memberships: a guessed organization
/// id answers exactly like a missing one.
/// </summary>
public sealed class OrganizationQueries(IDbContextFactory<PortalDbContext> factory)
{
    /// <summary>A subscription that still bills (or is about to): anything AWS has not ended or refused.</summary>
    public static bool IsLive(SubscriptionStatus status) => status is not (SubscriptionStatus.Cancelled or SubscriptionStatus.Failed);

    public async Task<IReadOnlyList<OrganizationSummary>> ForUserAsync(string userId, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        var rows = await (from m in db.OrganizationMembers
                          join o in db.Organizations on m.OrganizationId equals o.Id
                          where m.UserId == userId
                          select new { o.Id, o.Name, m.Role, o.DisabledAt }).ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var subscriptions = await db.Subscriptions.AsNoTracking().Where(s => s.OrganizationId != null && ids.Contains(s.OrganizationId!.Value))
            .Select(s => new { s.OrganizationId, s.Status, s.CreatedAt }).ToListAsync(ct);
        return rows.OrderBy(r => r.Name, StringComparer.CurrentCultureIgnoreCase)
            .Select(r => new OrganizationSummary(r.Id, r.Name, r.Role, Current(subscriptions.Where(s => s.OrganizationId == r.Id).Select(s => (s.Status, s.CreatedAt))), r.DisabledAt is not null))
            .ToList();
    }

    // The live subscription when there is one, else the most recent ended one (its history shows the rest).
    private static SubscriptionStatus? Current(IEnumerable<(SubscriptionStatus Status, DateTimeOffset CreatedAt)> all)
    {
        var list = all.ToList();
        if (list.Count == 0) return null;
        return list.OrderByDescending(s => IsLive(s.Status)).ThenByDescending(s => s.CreatedAt).First().Status;
    }

    public async Task<OrganizationView?> ViewAsync(Guid organizationId, string? userId, CancellationToken ct = default)
    {
        if (userId is null) return null;
        await using var db = factory.CreateDbContext();
        var role = await db.OrganizationMembers.Where(m => m.OrganizationId == organizationId && m.UserId == userId)
            .Select(m => (OrganizationRole?)m.Role).FirstOrDefaultAsync(ct);
        if (role is null) return null;
        var organization = await db.Organizations.AsNoTracking().FirstAsync(o => o.Id == organizationId, ct);
        var workspaces = await db.Workspaces.AsNoTracking().Where(w => w.OrganizationId == organizationId).ToListAsync(ct);
        var history = (await db.Subscriptions.AsNoTracking().Where(s => s.OrganizationId == organizationId).ToListAsync(ct))
            .OrderByDescending(s => s.CreatedAt).ToList();
        var current = history.FirstOrDefault(s => IsLive(s.Status)) ?? history.FirstOrDefault();
        var entitlements = current is null ? [] : (await db.Entitlements.AsNoTracking().Where(e => e.SubscriptionId == current.Id).ToListAsync(ct))
            .OrderBy(e => e.Dimension, StringComparer.Ordinal).ToList();
        return new OrganizationView(organization, role.Value, workspaces.OrderBy(w => w.Name, StringComparer.CurrentCultureIgnoreCase).ToList(),
            current, history, entitlements);
    }
}
