using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.Data;
using Portal.Marketplace.Subscriptions;

namespace Portal.Marketplace.Lifecycle;

public enum NotificationResult { Applied, Duplicate, Deferred }

/// <summary>
/// Applies lifecycle messages to subscriptions exactly once: the message row and the status change are saved
/// together, so a redelivery (same MessageId) finds the row and changes nothing.
/// </summary>
public sealed class LifecycleService(IDbContextFactory<PortalDbContext> factory, TimeProvider time, ILogger<LifecycleService> logger)
{
    public async Task<NotificationResult> ReceiveAsync(MarketplaceNotification notification, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        if (await db.MarketplaceNotifications.AnyAsync(n => n.MessageId == notification.MessageId, ct)) return NotificationResult.Duplicate;
        var subscription = await FindAsync(db, notification, ct);
        db.MarketplaceNotifications.Add(notification);
        if (subscription is not null) Apply(db, subscription, notification);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return NotificationResult.Duplicate; // the same message, delivered twice at once
        }
        if (subscription is null)
            logger.LogInformation("{Action} for a customer not onboarded yet ({ProductCode}); kept until the subscription appears",
                notification.Action, notification.ProductCode);
        return subscription is null ? NotificationResult.Deferred : NotificationResult.Applied;
    }

    /// <summary>Applies, in arrival order, what AWS said about a subscription before its buyer landed.</summary>
    public async Task ApplyPendingAsync(Guid subscriptionId, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        var subscription = await db.Subscriptions.FirstAsync(s => s.Id == subscriptionId, ct);
        var pending = (await db.MarketplaceNotifications.Where(n => n.AppliedAt == null && n.ProductCode == subscription.ProductCode).ToListAsync(ct))
            .Where(n => Matches(n, subscription)).OrderBy(n => n.ReceivedAt).ToList();
        foreach (var n in pending) Apply(db, subscription, n);
        if (pending.Count > 0) await db.SaveChangesAsync(ct);
    }

    private void Apply(PortalDbContext db, MarketplaceSubscription subscription, MarketplaceNotification n)
    {
        var outcome = SubscriptionLifecycle.Apply(subscription.Status, n.Action);
        var now = time.GetUtcNow();
        subscription.Status = outcome.To;
        if (outcome.Changed) subscription.UpdatedAt = now;
        n.SubscriptionId = subscription.Id;
        n.AppliedAt = now;
        n.Outcome = outcome.Reason;
        db.AuditEvents.Add(new AuditEvent
        {
            Type = "subscription." + n.Action.ToString().ToLowerInvariant(), OccurredAt = now, SubscriptionId = subscription.Id,
            Actor = "aws", Details = $"{n.Source} {n.MessageId}: {outcome.Reason}",
        });
    }

    private static async Task<MarketplaceSubscription?> FindAsync(PortalDbContext db, MarketplaceNotification n, CancellationToken ct)
    {
        var candidates = await db.Subscriptions.Where(s => s.ProductCode == n.ProductCode &&
            ((n.LicenseArn != null && s.LicenseArn == n.LicenseArn) || (n.CustomerIdentifier != null && s.CustomerIdentifier == n.CustomerIdentifier) ||
             (n.CustomerAwsAccountId != null && s.CustomerAwsAccountId == n.CustomerAwsAccountId))).ToListAsync(ct);
        // An account can have an old, cancelled subscription beside the live one: the live one is meant.
        return candidates.Where(s => Matches(n, s)).OrderBy(s => s.Status == SubscriptionStatus.Cancelled).ThenByDescending(s => s.CreatedAt).FirstOrDefault();
    }

    private static bool Matches(MarketplaceNotification n, MarketplaceSubscription s) =>
        n.LicenseArn is not null ? s.LicenseArn == n.LicenseArn
        : n.CustomerIdentifier is not null ? s.CustomerIdentifier == n.CustomerIdentifier
        : s.CustomerAwsAccountId == n.CustomerAwsAccountId;
}
