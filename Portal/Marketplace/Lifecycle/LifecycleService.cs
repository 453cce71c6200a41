using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.Data;
using Portal.Marketplace.Subscriptions;

namespace Portal.Marketplace.Lifecycle;

public enum NotificationResult { Applied, Duplicate, Deferred }

/// <summary>
/// Applies lifecycle messages to subscriptions exactly once: the message row, its audit event and the status change
/// are one transaction, so a redelivery (same MessageId) changes nothing. The status moves by a conditional update
/// (only from the status it was read in), so two different messages arriving at once cannot overwrite each other.
/// </summary>
public sealed class LifecycleService(IDbContextFactory<PortalDbContext> factory, TimeProvider time, ILogger<LifecycleService> logger,
    IEnumerable<ISubscriptionObserver> observers)
{
    private const int MaxAttempts = 5;

    public async Task<NotificationResult> ReceiveAsync(MarketplaceNotification notification, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = factory.CreateDbContext();
            var dedup = notification.DedupKey;
            if (await db.MarketplaceNotifications.AnyAsync(n => n.MessageId == notification.MessageId || (dedup != null && n.DedupKey == dedup), ct))
                return NotificationResult.Duplicate;
            var subscription = await FindAsync(db, notification, ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            try
            {
                if (subscription is not null && !await TryApplyAsync(db, subscription, notification, stored: false, ct))
                {
                    await tx.RollbackAsync(ct);
                    if (attempt < MaxAttempts) continue; // another message moved it first: read again and re-apply
                    throw new DbUpdateConcurrencyException($"Subscription {subscription.Id} kept changing under message {notification.MessageId}.");
                }
                db.MarketplaceNotifications.Add(notification);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
            {
                return NotificationResult.Duplicate; // the same message, delivered twice at once
            }
            if (subscription is null)
                logger.LogInformation("{Action} for a customer not onboarded yet ({ProductCode}); kept until the subscription appears",
                    notification.Action, notification.ProductCode);
            if (subscription is null) return NotificationResult.Deferred;
            await NotifyAsync(subscription.Id, notification.Action, ct);
            // A license event linked the agreement: agreement events kept for it (they name only the agreement) apply now.
            if (subscription.AgreementId is null && notification.AgreementId is not null) await ApplyPendingAsync(subscription.Id, ct);
            return NotificationResult.Applied;
        }
    }

    /// <summary>Applies, in arrival order, what AWS said about a subscription before its buyer landed.</summary>
    public async Task ApplyPendingAsync(Guid subscriptionId, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        var subscription = await db.Subscriptions.AsNoTracking().FirstAsync(s => s.Id == subscriptionId, ct);
        var agreement = subscription.AgreementId;
        var pending = (await db.MarketplaceNotifications.Where(n => n.AppliedAt == null
                && (n.ProductCode == subscription.ProductCode || (agreement != null && n.AgreementId == agreement))).ToListAsync(ct))
            .Where(n => Matches(n, subscription)).OrderBy(n => n.ReceivedAt).ToList();
        // A kept message that names only the account belongs to this subscription only if it is the account's one live
        // subscription of the product: with Concurrent Agreements a second purchase must not take the first one's news.
        if (pending.Any(AccountOnly) && await db.Subscriptions.CountAsync(s => s.ProductCode == subscription.ProductCode
                && s.CustomerAwsAccountId == subscription.CustomerAwsAccountId && s.Status != SubscriptionStatus.Cancelled
                && s.Status != SubscriptionStatus.Failed, ct) > 1)
            pending.RemoveAll(AccountOnly);
        foreach (var n in pending)
        {
            for (var attempt = 1; attempt <= MaxAttempts; attempt++)
            {
                var current = await db.Subscriptions.AsNoTracking().FirstAsync(s => s.Id == subscriptionId, ct);
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                if (await TryApplyAsync(db, current, n, stored: true, ct))
                {
                    await db.SaveChangesAsync(ct);
                    await tx.CommitAsync(ct);
                    await NotifyAsync(subscriptionId, n.Action, ct);
                    break;
                }
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>Follow-ups outside the transaction (fetch entitlements, flush usage); a failure there loses nothing AWS said.</summary>
    private async Task NotifyAsync(Guid subscriptionId, LifecycleAction action, CancellationToken ct)
    {
        foreach (var observer in observers)
        {
            try { await observer.OnAppliedAsync(subscriptionId, action, ct); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Follow-up of {Action} for subscription {SubscriptionId} failed", action, subscriptionId);
            }
        }
    }

    /// <summary>Moves the status if the action says so, only from the status read; false when someone else moved it first.</summary>
    private async Task<bool> TryApplyAsync(PortalDbContext db, MarketplaceSubscription subscription, MarketplaceNotification n, bool stored, CancellationToken ct)
    {
        var outcome = SubscriptionLifecycle.Apply(subscription.Status, n.Action);
        var now = time.GetUtcNow();
        if (outcome.Changed)
        {
            // The first word of the end is kept: usage up to it is billed in AWS's final window, none after it.
            DateTimeOffset? ended = outcome.To is SubscriptionStatus.PendingCancellation or SubscriptionStatus.Cancelled ? now : null;
            var moved = await db.Subscriptions.Where(s => s.Id == subscription.Id && s.Status == outcome.From)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, outcome.To).SetProperty(s => s.UpdatedAt, now)
                    .SetProperty(s => s.EndedAt, s => s.EndedAt ?? ended), ct);
            if (moved != 1) return false;
        }
        if (subscription.LicenseArn is null && n.LicenseArn is { } arn)
        {
            // A legacy row named by its customer identifier and, now, its license too: it gains the ARN (only if still
            // without one), so later messages and usage records name the license.
            await db.Subscriptions.Where(s => s.Id == subscription.Id && s.LicenseArn == null && s.Status != SubscriptionStatus.Cancelled)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.LicenseArn, arn).SetProperty(s => s.UpdatedAt, now), ct);
        }
        if (subscription.AgreementId is null && n.AgreementId is { } agreementId && n.LicenseArn is not null)
        {
            // Only a License event names both: it links the agreement to this license (once).
            await db.Subscriptions.Where(s => s.Id == subscription.Id && s.AgreementId == null)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.AgreementId, agreementId), ct);
        }
        n.SubscriptionId = subscription.Id;
        n.AppliedAt = now;
        n.Outcome = outcome.Reason;
        if (stored && db.Entry(n).State == EntityState.Detached) db.MarketplaceNotifications.Update(n);
        db.AuditEvents.Add(new AuditEvent
        {
            Type = "subscription." + n.Action.ToString().ToLowerInvariant(), OccurredAt = now, SubscriptionId = subscription.Id,
            Actor = "aws", Details = $"{n.Source} {n.MessageId}: {outcome.Reason}",
        });
        return true;
    }

    /// <summary>
    /// By license, then by agreement, then (legacy) by customer identifier. Never by the account alone: an account may
    /// hold several agreements of one product, and the newest is not necessarily the one meant.
    /// </summary>
    private static async Task<MarketplaceSubscription?> FindAsync(PortalDbContext db, MarketplaceNotification n, CancellationToken ct)
    {
        var licenseId = LicenseKey.IdOf(n.LicenseArn);
        string? byColon = licenseId is null ? null : ":" + licenseId, bySlash = licenseId is null ? null : "/" + licenseId;
        var candidates = await db.Subscriptions.AsNoTracking().Where(s =>
            (n.LicenseArn != null && (s.LicenseArn == n.LicenseArn || (byColon != null && (s.LicenseArn!.EndsWith(byColon) || s.LicenseArn.EndsWith(bySlash!)))))
            || (n.AgreementId != null && s.AgreementId == n.AgreementId)
            || (n.CustomerIdentifier != null && s.ProductCode == n.ProductCode && s.CustomerIdentifier == n.CustomerIdentifier)
            || (AccountOnly(n) && s.ProductCode == n.ProductCode && s.CustomerAwsAccountId == n.CustomerAwsAccountId)).ToListAsync(ct);
        var matching = candidates.Where(s => Matches(n, s)).ToList();
        // A message that names only the account is placed only when that is unambiguous: one live subscription.
        if (AccountOnly(n) && matching.Count(s => s.Status != SubscriptionStatus.Cancelled) > 1) return null;
        var found = matching.OrderByDescending(s => n.LicenseArn is not null && SameLicense(s.LicenseArn, n.LicenseArn))
            .ThenByDescending(s => n.AgreementId is not null && s.AgreementId == n.AgreementId)
            .ThenBy(s => s.Status == SubscriptionStatus.Cancelled).ThenByDescending(s => s.CreatedAt).FirstOrDefault();
        // A subscribe message that reaches only a cancelled row by the customer's identifier (or account) is about the
        // customer's resubscription, whose row appears when they land: kept for it, not swallowed by the ended one.
        return found is { Status: SubscriptionStatus.Cancelled } && n.Action is LifecycleAction.SubscribeSuccess or LifecycleAction.SubscribeFail
            && !SameLicense(found.LicenseArn, n.LicenseArn) && !(n.AgreementId is not null && found.AgreementId == n.AgreementId) ? null : found;
    }

    /// <summary>
    /// The license decides; then the agreement; a message that names the license and the legacy customer identifier
    /// also reaches the row an older integration stored by that identifier alone (which then gains the ARN).
    /// </summary>
    private static bool Matches(MarketplaceNotification n, MarketplaceSubscription s)
    {
        if (n.LicenseArn is not null && s.LicenseArn is not null) return SameLicense(s.LicenseArn, n.LicenseArn)
            && (n.ProductCode.Length == 0 || s.ProductCode == n.ProductCode);
        if (n.AgreementId is not null && s.AgreementId is not null) return s.AgreementId == n.AgreementId;
        if (n.CustomerIdentifier is not null) return s.ProductCode == n.ProductCode && s.CustomerIdentifier == n.CustomerIdentifier;
        return AccountOnly(n) && s.ProductCode == n.ProductCode && s.CustomerAwsAccountId == n.CustomerAwsAccountId;
    }

    private static bool AccountOnly(MarketplaceNotification n) =>
        n.LicenseArn is null && n.CustomerIdentifier is null && n.AgreementId is null && n.CustomerAwsAccountId is not null;

    private static bool SameLicense(string? a, string? b) =>
        a is not null && b is not null && (a == b || (LicenseKey.IdOf(a) is { } x && x == LicenseKey.IdOf(b)));
}

/// <summary>Told after a lifecycle action was applied to a subscription (once per message).</summary>
public interface ISubscriptionObserver
{
    Task OnAppliedAsync(Guid subscriptionId, LifecycleAction action, CancellationToken ct);
}
