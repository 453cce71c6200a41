using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.Data;
using Portal.Marketplace.Aws;
using Portal.Marketplace.Subscriptions;

namespace Portal.Marketplace.Entitlements;

/// <summary>Keeps each contract's entitlements in step with the AWS Marketplace Entitlement Service.</summary>
public sealed class EntitlementService(IDbContextFactory<PortalDbContext> factory, IAmazonMarketplaceEntitlementService aws, TimeProvider time,
    ILogger<EntitlementService> logger)
{
    /// <summary>
    /// Reads every page of the subscription's entitlements (an empty page can still carry a NextToken) and replaces
    /// the stored ones in one transaction. Returns whether an active entitlement exists; null when AWS could not be asked.
    /// </summary>
    public async Task<bool?> RefreshAsync(Guid subscriptionId, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        var s = await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(x => x.Id == subscriptionId, ct);
        if (s is null) return null;
        List<Entitlement> fetched;
        try
        {
            var filter = s.LicenseArn is { } arn
                ? new Dictionary<string, List<string>> { [GetEntitlementFilterName.LicenseArn] = [arn] }
                : new Dictionary<string, List<string>> { [GetEntitlementFilterName.CustomerIdentifier] = [s.CustomerIdentifier!] };
            fetched = await aws.GetAllEntitlementsAsync(new GetEntitlementsRequest { ProductCode = s.ProductCode, Filter = filter }, ct);
        }
        catch (Exception ex) when (ex is AmazonMarketplaceException or MarketplaceUnavailableException or InvalidOperationException)
        {
            logger.LogWarning("Entitlements of subscription {SubscriptionId} could not be refreshed: {Error}", subscriptionId, ex.Message);
            return null;
        }

        var now = time.GetUtcNow();
        // Several pages may name a dimension more than once; the latest expiry wins.
        var rows = fetched.Where(e => !string.IsNullOrEmpty(e.Dimension)).GroupBy(e => e.Dimension!)
            .Select(g => g.OrderByDescending(e => e.ExpirationDate ?? DateTimeOffset.MaxValue).First())
            .Select(e => new SubscriptionEntitlement
            {
                SubscriptionId = s.Id, Dimension = e.Dimension!, Value = Format(e.Value, out var type), ValueType = type,
                ExpiresAt = e.ExpirationDate, RefreshedAt = now,
            }).ToList();
        var before = await db.Entitlements.AsNoTracking().Where(e => e.SubscriptionId == s.Id).ToListAsync(ct);
        var changed = before.Count != rows.Count || rows.Any(r => !before.Any(b => b.Dimension == r.Dimension && b.Value == r.Value && b.ExpiresAt == r.ExpiresAt));
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Entitlements.Where(e => e.SubscriptionId == s.Id).ExecuteDeleteAsync(ct);
        db.Entitlements.AddRange(rows);
        if (changed)
            db.AuditEvents.Add(new AuditEvent
            {
                Type = "subscription.entitlements-updated", OccurredAt = now, SubscriptionId = s.Id, Actor = "aws",
                Details = string.Join(", ", rows.Select(r => $"{r.Dimension}={r.Value} until {r.ExpiresAt:yyyy-MM-dd}")),
            });
        // A contract is confirmed once AWS entitles it: from then on it reads Active everywhere, even if no
        // subscribe-success arrives (EventBridge-only listings send none). Never revives an ended one.
        var active = rows.Any(r => r.IsActive(now));
        if (active)
            await db.Subscriptions.Where(x => x.Id == s.Id && x.Status == SubscriptionStatus.Pending)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.Status, SubscriptionStatus.Active).SetProperty(x => x.UpdatedAt, now), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return active;
    }

    /// <summary>Whether the stored entitlements include one still running (no call to AWS).</summary>
    public async Task<bool> IsEntitledAsync(Guid subscriptionId, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = factory.CreateDbContext();
        var rows = await db.Entitlements.AsNoTracking().Where(e => e.SubscriptionId == subscriptionId).ToListAsync(ct);
        return rows.Any(r => r.IsActive(now));
    }

    public async Task<List<SubscriptionEntitlement>> ListAsync(Guid subscriptionId, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        var rows = await db.Entitlements.AsNoTracking().Where(e => e.SubscriptionId == subscriptionId).ToListAsync(ct);
        return [.. rows.OrderBy(r => r.Dimension, StringComparer.Ordinal)];
    }

    /// <summary>Contracts to refresh on the schedule: live ones, and (more often) those still waiting for AWS during onboarding.</summary>
    public async Task<List<Guid>> DueAsync(bool waitingOnly, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        var live = db.Subscriptions.AsNoTracking().Where(s => s.OfferType == OfferType.Contract
            && s.Status != SubscriptionStatus.Cancelled && s.Status != SubscriptionStatus.Failed);
        if (waitingOnly)
        {
            var now = time.GetUtcNow();
            live = live.Where(s => s.OrganizationId == null && !db.Entitlements.Any(e => e.SubscriptionId == s.Id && (e.ExpiresAt == null || e.ExpiresAt > now)));
        }
        return await live.Select(s => s.Id).ToListAsync(ct);
    }

    private static string? Format(EntitlementValue? v, out string? type)
    {
        (type, var text) = v switch
        {
            { IntegerValue: { } i } => ("Integer", i.ToString(CultureInfo.InvariantCulture)),
            { DoubleValue: { } d } => ("Double", d.ToString(CultureInfo.InvariantCulture)),
            { BooleanValue: { } b } => ("Boolean", b ? "true" : "false"),
            { StringValue: { } s } => ("String", s),
            _ => ((string?)null, (string?)null),
        };
        return text is { Length: > 255 } ? text[..255] : text;
    }
}

/// <summary>entitlement-updated (and a contract's subscribe-success) → read the entitlements from AWS now.</summary>
public sealed class EntitlementObserver(EntitlementService entitlements) : Lifecycle.ISubscriptionObserver
{
    public async Task OnAppliedAsync(Guid subscriptionId, Lifecycle.LifecycleAction action, CancellationToken ct)
    {
        if (action is Lifecycle.LifecycleAction.EntitlementUpdated or Lifecycle.LifecycleAction.SubscribeSuccess)
            await entitlements.RefreshAsync(subscriptionId, ct);
    }
}
