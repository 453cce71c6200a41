using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Audit;
using Portal.Data;
using Portal.Marketplace;
using Portal.Marketplace.Landing;
using Portal.Marketplace.Lifecycle;
using Portal.Marketplace.Subscriptions;

namespace Portal.Admin;

public sealed record SubscriptionFilter(SubscriptionStatus? Status = null, OfferType? Offer = null, string? ProductCode = null, string? Text = null);

/// <summary>One sort of the grid: a column key from <see cref="AdminQueries.SortKeys"/>, never an expression from the browser.</summary>
public sealed record SubscriptionSort(string Column, bool Descending);

/// <summary>A grid row. The account id leaves the server masked; the product's name comes from configuration.</summary>
/// <param name="License">
/// The license's id (or the legacy customer identifier): with Concurrent Agreements one account holds several
/// subscriptions of a product, and this is what tells them apart.
/// </param>
public sealed record SubscriptionRow(Guid Id, string ProductCode, string ProductName, OfferType Offer, string MaskedAccount,
    SubscriptionStatus Status, string? OrganizationName, DateTimeOffset CreatedAt, DateTimeOffset? LinkedAt, string? License = null);

public sealed record SubscriptionPage(IReadOnlyList<SubscriptionRow> Rows, int Count);

/// <param name="Actors">user id → e-mail, for the audit log's "by" column</param>
public sealed record SubscriptionDetails(SubscriptionRow Row, string? LicenseArn, string? CustomerIdentifier, Guid? OrganizationId,
    DateTimeOffset UpdatedAt, IReadOnlyList<AuditEvent> Audit, IReadOnlyList<MarketplaceNotification> Notifications,
    IReadOnlyDictionary<string, string> Actors, string? AgreementId = null, DateTimeOffset? EndedAt = null);

/// <summary>The console's reads. Every public method checks the VendorAdmin policy first; paging happens in the database.</summary>
public sealed class AdminQueries(AdminAccess access, IDbContextFactory<PortalDbContext> factory, IOptions<MarketplaceOptions> marketplace)
{
    public static readonly IReadOnlyList<string> SortKeys = ["Product", "Offer", "Status", "Organization", "CreatedAt", "LinkedAt"];

    public async Task<SubscriptionPage> SubscriptionsAsync(SubscriptionFilter filter, int skip, int take,
        IReadOnlyList<SubscriptionSort>? sorts = null, CancellationToken ct = default)
    {
        await access.DemandAsync();
        await using var db = factory.CreateDbContext();
        var query = Filtered(db, filter);
        var count = await query.CountAsync(ct);
        var page = await Sorted(query, sorts ?? []).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        return new SubscriptionPage(page.Select(ToRow).ToList(), count);
    }

    public async Task<SubscriptionDetails?> SubscriptionAsync(Guid id, CancellationToken ct = default)
    {
        await access.DemandAsync();
        await using var db = factory.CreateDbContext();
        var item = await Joined(db).FirstOrDefaultAsync(x => x.Subscription.Id == id, ct);
        if (item is null) return null;
        var audit = await db.AuditEvents.AsNoTracking().Where(e => e.SubscriptionId == id)
            .OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id).Take(500).ToListAsync(ct);
        var notifications = await db.MarketplaceNotifications.AsNoTracking().Where(n => n.SubscriptionId == id)
            .OrderByDescending(n => n.ReceivedAt).Take(500).ToListAsync(ct);
        var actorIds = audit.Select(e => e.Actor).Distinct().ToList();
        var actors = await db.Users.AsNoTracking().Where(u => actorIds.Contains(u.Id) && u.Email != null)
            .ToDictionaryAsync(u => u.Id, u => u.Email!, ct);
        var s = item.Subscription;
        // The ARN embeds the account id: masked like everywhere else on the console.
        var arn = s.LicenseArn?.Replace(s.CustomerAwsAccountId, LandingService.Mask(s.CustomerAwsAccountId), StringComparison.Ordinal);
        return new SubscriptionDetails(ToRow(item), arn, s.CustomerIdentifier, s.OrganizationId, s.UpdatedAt, audit, notifications, actors,
            s.AgreementId, s.EndedAt);
    }

    public IReadOnlyList<MarketplaceProduct> Products => marketplace.Value.Products;

    // A member-initialised class, not a positional record: EF translates later filters on its properties only then.
    internal sealed class Item
    {
        public MarketplaceSubscription Subscription { get; init; } = null!;
        public string? OrganizationName { get; init; }
    }

    private static IQueryable<Item> Joined(PortalDbContext db) =>
        from s in db.Subscriptions.AsNoTracking()
        join o in db.Organizations.AsNoTracking() on s.OrganizationId equals o.Id into orgs
        from o in orgs.DefaultIfEmpty()
        select new Item { Subscription = s, OrganizationName = o == null ? null : o.Name };

    internal static IQueryable<Item> Filtered(PortalDbContext db, SubscriptionFilter f)
    {
        var query = Joined(db);
        if (f.Status is { } status) query = query.Where(x => x.Subscription.Status == status);
        if (f.Offer is { } offer) query = query.Where(x => x.Subscription.OfferType == offer);
        if (!string.IsNullOrWhiteSpace(f.ProductCode)) query = query.Where(x => x.Subscription.ProductCode == f.ProductCode);
        if (!string.IsNullOrWhiteSpace(f.Text))
        {
            // Lower-cased on both sides: SQLite's LIKE ignores case, PostgreSQL's does not.
            var text = f.Text.Trim().ToLowerInvariant();
            query = query.Where(x => x.Subscription.CustomerAwsAccountId.Contains(text)
                || (x.Subscription.LicenseArn != null && x.Subscription.LicenseArn.ToLower().Contains(text))
                || (x.Subscription.AgreementId != null && x.Subscription.AgreementId.ToLower().Contains(text))
                || (x.OrganizationName != null && x.OrganizationName.ToLower().Contains(text)));
        }
        return query;
    }

    private static IQueryable<Item> Sorted(IQueryable<Item> query, IReadOnlyList<SubscriptionSort> sorts)
    {
        IOrderedQueryable<Item>? ordered = null;
        foreach (var sort in sorts.Where(s => SortKeys.Contains(s.Column)))
        {
            ordered = sort.Column switch
            {
                "Product" => By(query, ordered, x => x.Subscription.ProductCode, sort.Descending),
                "Offer" => By(query, ordered, x => x.Subscription.OfferType, sort.Descending),
                "Status" => By(query, ordered, x => x.Subscription.Status, sort.Descending),
                // Empty values last in both directions: SQLite and PostgreSQL disagree on where NULL sorts.
                "Organization" => By(query, By(query, ordered, x => x.OrganizationName == null, false), x => x.OrganizationName, sort.Descending),
                "LinkedAt" => By(query, By(query, ordered, x => x.Subscription.LinkedAt == null, false), x => x.Subscription.LinkedAt, sort.Descending),
                _ => By(query, ordered, x => x.Subscription.CreatedAt, sort.Descending),
            };
        }
        // Newest first by default, and the id last so pages never overlap when timestamps tie.
        ordered ??= query.OrderByDescending(x => x.Subscription.CreatedAt);
        return ordered.ThenBy(x => x.Subscription.Id);
    }

    private static IOrderedQueryable<Item> By<TKey>(IQueryable<Item> query, IOrderedQueryable<Item>? ordered,
        System.Linq.Expressions.Expression<Func<Item, TKey>> key, bool descending) => ordered is null
        ? descending ? query.OrderByDescending(key) : query.OrderBy(key)
        : descending ? ordered.ThenByDescending(key) : ordered.ThenBy(key);

    private SubscriptionRow ToRow(Item x) => new(x.Subscription.Id, x.Subscription.ProductCode,
        marketplace.Value.FindProduct(x.Subscription.ProductCode)?.Name ?? x.Subscription.ProductCode, x.Subscription.OfferType,
        LandingService.Mask(x.Subscription.CustomerAwsAccountId), x.Subscription.Status, x.OrganizationName,
        x.Subscription.CreatedAt, x.Subscription.LinkedAt, LicenseKey.IdOf(x.Subscription.LicenseArn) ?? x.Subscription.CustomerIdentifier);
}
