using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Metering;
using Portal.Webhooks;

namespace Portal.Admin.Extensions;

public sealed record OutboxPage<T>(IReadOnlyList<T> Items, int Count);

public sealed record StatusCount(string Status, int Count);

/// <summary>
/// The console's read-only view of the metering and webhook outboxes: what was sent to AWS or to the vendor's
/// product, and what needs the operator (failed, expired, not subscribed, retrying). Every call demands VendorAdmin.
/// </summary>
public sealed class OutboxQueries(AdminAccess access, IDbContextFactory<PortalDbContext> factory)
{
    public static readonly MeteringStatus[] MeteringProblems =
        [MeteringStatus.Failed, MeteringStatus.Expired, MeteringStatus.CustomerNotSubscribed, MeteringStatus.Duplicate];

    public async Task<IReadOnlyList<StatusCount>> MeteringSummaryAsync(CancellationToken ct = default)
    {
        await access.DemandAsync();
        await using var db = factory.CreateDbContext();
        var rows = await db.MeteringRecords.GroupBy(r => r.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        return [.. rows.OrderBy(r => r.Key).Select(r => new StatusCount(r.Key.ToString(), r.Count))];
    }

    /// <param name="problemsOnly">Failed, expired, not subscribed, duplicate, and anything that has been retried.</param>
    public async Task<OutboxPage<MeteringRecord>> MeteringAsync(bool problemsOnly, Guid? subscriptionId, int skip, int take, CancellationToken ct = default)
    {
        await access.DemandAsync();
        await using var db = factory.CreateDbContext();
        var q = db.MeteringRecords.AsNoTracking();
        if (subscriptionId is { } id) q = q.Where(r => r.SubscriptionId == id);
        if (problemsOnly) q = q.Where(r => MeteringProblems.Contains(r.Status) || r.Attempts > 1 || r.LastError != null);
        var count = await q.CountAsync(ct);
        var items = await q.OrderByDescending(r => r.HourStart).ThenBy(r => r.Dimension).Skip(skip).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        return new(items, count);
    }

    public async Task<OutboxPage<WebhookDelivery>> WebhooksAsync(bool problemsOnly, Guid? subscriptionId, int skip, int take, CancellationToken ct = default)
    {
        await access.DemandAsync();
        await using var db = factory.CreateDbContext();
        var q = db.Set<WebhookDelivery>().AsNoTracking();
        if (subscriptionId is { } id) q = q.Where(d => d.SubscriptionId == id);
        if (problemsOnly) q = q.Where(d => d.Status != WebhookDeliveryStatus.Delivered);
        var count = await q.CountAsync(ct);
        var items = await q.OrderByDescending(d => d.CreatedAt).Skip(skip).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        return new(items, count);
    }
}
