using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Audit;
using Portal.Data;
using Portal.Marketplace.Entitlements;
using Portal.Marketplace.Subscriptions;

namespace Portal.Organizations.Home;

public sealed class BillingOptions
{
    public const string SectionName = "Billing";

    /// <summary>How long an organization keeps working after its contract ended without renewal.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00", ErrorMessage = "Billing:ContractGracePeriod must be between 0 and 365 days.")]
    public TimeSpan ContractGracePeriod { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How often the portal looks for contracts whose grace period ran out.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Billing:GraceSweepInterval must be between 1 second and 1 day.")]
    public TimeSpan GraceSweepInterval { get; set; } = TimeSpan.FromHours(1);
}

public enum GraceKind { InGrace, Lapsed }

/// <summary>A contract that ended without renewal: when it ended, and until when the organization keeps working.</summary>
public sealed record GraceState(GraceKind Kind, DateTimeOffset ContractEndedAt, DateTimeOffset GraceEndsAt);

/// <summary>
/// A contract ends when the last of its entitlements expires (AWS extends them on renewal) or, without any end date,
/// when AWS ended the agreement. After the end the organization keeps working for <see cref="BillingOptions.ContractGracePeriod"/>
/// and is then marked disabled; a renewal or a new subscription lifts that.
/// </summary>
public sealed class ContractGrace(IDbContextFactory<PortalDbContext> factory, IOptions<BillingOptions> options, TimeProvider time,
    ILogger<ContractGrace> logger)
{
    public GraceState? Evaluate(MarketplaceSubscription subscription, IReadOnlyCollection<SubscriptionEntitlement> entitlements)
    {
        if (subscription.OfferType != OfferType.Contract) return null;
        DateTimeOffset? end = entitlements.Count > 0 && entitlements.All(e => e.ExpiresAt is not null)
            ? entitlements.Max(e => e.ExpiresAt!.Value)
            : subscription.Status == SubscriptionStatus.Cancelled ? subscription.EndedAt ?? subscription.UpdatedAt : null;
        var now = time.GetUtcNow();
        if (end is not { } ended || now < ended) return null;
        var graceEnds = ended + options.Value.ContractGracePeriod;
        return new GraceState(now < graceEnds ? GraceKind.InGrace : GraceKind.Lapsed, ended, graceEnds);
    }

    /// <summary>The grace state of one subscription, read from the database (the console's details page).</summary>
    public async Task<GraceState?> ForSubscriptionAsync(Guid subscriptionId, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        var subscription = await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == subscriptionId, ct);
        if (subscription is null) return null;
        return Evaluate(subscription, await db.Entitlements.AsNoTracking().Where(e => e.SubscriptionId == subscriptionId).ToListAsync(ct));
    }

    /// <summary>Marks every organization whose contract's grace ran out as disabled, and lifts the mark where it is billed again.</summary>
    public async Task<(int Disabled, int Enabled)> SweepAsync(CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        var organizations = await db.Organizations.Where(o => o.DisabledAt != null ||
            db.Subscriptions.Any(s => s.OrganizationId == o.Id && s.OfferType == OfferType.Contract)).ToListAsync(ct);
        if (organizations.Count == 0) return (0, 0);
        var ids = organizations.Select(o => o.Id).ToList();
        var subscriptions = await db.Subscriptions.AsNoTracking().Where(s => s.OrganizationId != null && ids.Contains(s.OrganizationId!.Value)).ToListAsync(ct);
        var subscriptionIds = subscriptions.Select(s => s.Id).ToList();
        var entitlements = (await db.Entitlements.AsNoTracking().Where(e => subscriptionIds.Contains(e.SubscriptionId)).ToListAsync(ct))
            .ToLookup(e => e.SubscriptionId);
        var now = time.GetUtcNow();
        int disabled = 0, enabled = 0;
        foreach (var organization in organizations)
        {
            // The subscription that bills it now: a live one first (a resubscription), else the latest that ended.
            var current = subscriptions.Where(s => s.OrganizationId == organization.Id)
                .OrderByDescending(s => OrganizationQueries.IsLive(s.Status)).ThenByDescending(s => s.CreatedAt).FirstOrDefault();
            var lapsed = current is not null && Evaluate(current, entitlements[current.Id].ToList())?.Kind == GraceKind.Lapsed;
            if (lapsed && organization.DisabledAt is null)
            {
                organization.DisabledAt = now;
                db.AuditEvents.Add(new AuditEvent { Type = "organization.disabled", OccurredAt = now, SubscriptionId = current!.Id, Actor = "portal",
                    Details = $"organization {organization.Id}: contract grace period ended" });
                disabled++;
            }
            else if (!lapsed && organization.DisabledAt is not null)
            {
                organization.DisabledAt = null;
                db.AuditEvents.Add(new AuditEvent { Type = "organization.enabled", OccurredAt = now, SubscriptionId = current?.Id, Actor = "portal",
                    Details = $"organization {organization.Id}: billed again" });
                enabled++;
            }
        }
        await db.SaveChangesAsync(ct);
        if (disabled + enabled > 0) logger.LogInformation("Contract grace: {Disabled} organization(s) disabled, {Enabled} enabled again", disabled, enabled);
        return (disabled, enabled);
    }
}

/// <summary>Runs <see cref="ContractGrace.SweepAsync"/> on a schedule; a failed round is logged and tried again next time.</summary>
public sealed class ContractGraceWorker(ContractGrace grace, IOptions<BillingOptions> options, TimeProvider time, ILogger<ContractGraceWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first sweep one interval after start: a grace period is days long, and start-up stays quick.
        using var timer = new PeriodicTimer(options.Value.GraceSweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try { await grace.SweepAsync(stoppingToken); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Contract grace sweep failed; it runs again in {Interval}", options.Value.GraceSweepInterval);
            }
        }
    }
}
