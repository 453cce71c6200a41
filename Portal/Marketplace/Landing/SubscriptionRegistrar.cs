using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.Data;
using Portal.Marketplace.Aws;
using Portal.Marketplace.Subscriptions;
using Portal.Onboarding;

namespace Portal.Marketplace.Landing;

/// <summary>
/// Records a resolved customer: one subscription per AWS key, one onboarding session per token (or per browser),
/// written together. Concurrent landings race on unique indexes; the loser re-reads what the winner wrote.
/// </summary>
public sealed class SubscriptionRegistrar(IDbContextFactory<PortalDbContext> factory, Lifecycle.LifecycleService lifecycle, TimeProvider time,
    Microsoft.Extensions.Options.IOptions<MarketplaceOptions> marketplace)
{
    /// <summary>
    /// SQLite has one writer at a time, and a writer that finds the file locked backs off by sleeping: under a burst of
    /// landings that sleeping, not the work, dominated. Landings in this process queue here instead (PostgreSQL: no gate).
    /// </summary>
    private static readonly SemaphoreSlim SqliteWriters = new(1, 1);

    public async Task<Guid> RegisterAsync(ResolveCustomerResponse customer, OfferType offer, string tokenHash,
        Guid? browserSessionId, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = factory.CreateDbContext();
            var gated = db.Database.IsSqlite();
            if (gated) await SqliteWriters.WaitAsync(ct);
            try
            {
                return await RegisterOnceAsync(db, customer, offer, tokenHash, browserSessionId, ct);
            }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex) && attempt < 4)
            {
                // Another request registered the same subscription or token first: the next pass finds its rows.
            }
            finally
            {
                if (gated) SqliteWriters.Release();
            }
        }
    }

    private async Task<Guid> RegisterOnceAsync(PortalDbContext db, ResolveCustomerResponse c, OfferType offer, string tokenHash,
        Guid? browserSessionId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var subscription = await FindAsync(db, c, ct);
        var isNew = subscription is null;
        if (subscription is null)
        {
            subscription = new MarketplaceSubscription
            {
                ProductCode = c.ProductCode!, CustomerAwsAccountId = c.CustomerAWSAccountId!, LicenseArn = c.LicenseArn,
                CustomerIdentifier = c.CustomerIdentifier, OfferType = offer, Status = SubscriptionStatus.Pending,
                // A product this portal does not list is treated as a legacy listing: the stricter rule.
                ConcurrentAgreements = marketplace.Value.FindProduct(c.ProductCode)?.ConcurrentAgreements ?? false,
                CreatedAt = now, UpdatedAt = now,
            };
            db.Subscriptions.Add(subscription);
        }
        else
        {
            if (subscription.OfferType == OfferType.Unknown && offer != OfferType.Unknown)
            {
                subscription.OfferType = offer;
                subscription.UpdatedAt = now;
            }
            if (subscription.LicenseArn is null && c.LicenseArn is { } arn)
            {
                // A legacy customer back with AWS's license ARN: the same subscription, now keyed by its license.
                subscription.LicenseArn = arn;
                subscription.UpdatedAt = now;
            }
        }

        if (!isNew)
        {
            var resumed = await db.OnboardingSessions.AsNoTracking()
                .Where(s => s.SubscriptionId == subscription.Id && (s.Id == browserSessionId || s.TokenHash == tokenHash))
                .OrderByDescending(s => s.Id == browserSessionId).Select(s => (Guid?)s.Id).FirstOrDefaultAsync(ct);
            if (resumed is { } id)
            {
                await db.SaveChangesAsync(ct);
                return id;
            }
        }

        var session = new OnboardingSession
        {
            SubscriptionId = subscription.Id, TokenHash = tokenHash, Step = OnboardingStep.Landing, CreatedAt = now, UpdatedAt = now,
        };
        db.OnboardingSessions.Add(session);
        db.AuditEvents.Add(new AuditEvent
        {
            Type = isNew ? AuditEventTypes.SubscriptionRegistered : AuditEventTypes.LandingRepeated,
            OccurredAt = now, SubscriptionId = subscription.Id, OnboardingSessionId = session.Id, Actor = "aws",
            Details = $"account {c.CustomerAWSAccountId}, offer {offer}",
        });
        // AWS may have announced this subscription (subscribe-success…) before its buyer landed. Asked in this context
        // before saving, so the usual landing (nothing waiting) costs no second context and no second round of queries.
        var waiting = isNew && await db.MarketplaceNotifications.AnyAsync(n => n.AppliedAt == null && n.ProductCode == subscription.ProductCode
            && (n.LicenseArn == subscription.LicenseArn || n.CustomerIdentifier == subscription.CustomerIdentifier
                || n.CustomerAwsAccountId == subscription.CustomerAwsAccountId), ct);
        await db.SaveChangesAsync(ct);
        if (waiting) await lifecycle.ApplyPendingAsync(subscription.Id, ct);
        return session.Id;
    }

    /// <summary>
    /// By license first; then, for an answer that also names the legacy customer identifier, the row an older
    /// integration stored by that identifier alone (it gains the ARN), never a second subscription beside it.
    /// A resubscription is a new purchase: a new agreement and license (each purchase is its own license, "LicenseArn
    /// is a unique identifier for a specific granted license",
    /// https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/marketplacemetering/aws.sdk.kotlin.services.marketplacemetering.model/-resolve-customer-response/), while
    /// a legacy integration sees the customer's same CustomerIdentifier again. Either way a cancelled row is final
    /// and never matched by the identifier: the returning customer gets a new row.
    /// </summary>
    private static async Task<MarketplaceSubscription?> FindAsync(PortalDbContext db, ResolveCustomerResponse c, CancellationToken ct)
    {
        if (c.LicenseArn is { } arn
            && await db.Subscriptions.FirstOrDefaultAsync(s => s.ProductCode == c.ProductCode && s.LicenseArn == arn, ct) is { } byLicense)
            return byLicense;
        if (c.CustomerIdentifier is not { } customer) return null;
        return c.LicenseArn is null
            ? await db.Subscriptions.FirstOrDefaultAsync(s => s.ProductCode == c.ProductCode && s.CustomerIdentifier == customer
                && s.Status != SubscriptionStatus.Cancelled, ct)
            : await db.Subscriptions.FirstOrDefaultAsync(s => s.ProductCode == c.ProductCode && s.LicenseArn == null && s.CustomerIdentifier == customer
                && s.Status != SubscriptionStatus.Cancelled, ct);
    }
}
