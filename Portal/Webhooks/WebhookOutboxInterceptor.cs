using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using Portal.Audit;
using Portal.Data;
using Portal.Marketplace.Subscriptions;

namespace Portal.Webhooks;

/// <summary>
/// Adds a webhook delivery for every subscription audit event in the same SaveChanges, hence the same transaction,
/// as the change itself: no event without its change, no change without its event. Features keep recording audit
/// events and know nothing about webhooks. The worker is woken once the rows are committed.
/// </summary>
internal sealed class WebhookOutboxInterceptor(IOptions<WebhookOptions> options, WebhookSignal signal, TimeProvider time)
    : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    private const string SubscriptionPrefix = "subscription.";

    /// <summary>What one context added and not yet saved or committed.</summary>
    private sealed class Pending
    {
        public List<WebhookDelivery> Added { get; } = [];
        public bool AwaitingCommit { get; set; }
    }

    private readonly ConditionalWeakTable<DbContext, Pending> pending = new();

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (Events(eventData.Context) is { Count: > 0 } events && eventData.Context is PortalDbContext db)
            foreach (var group in events.GroupBy(e => e.SubscriptionId!.Value))
            {
                var tracked = FindTracked(db, group.Key);
                var row = tracked?.State == EntityState.Added ? null : db.Subscriptions.AsNoTracking().FirstOrDefault(s => s.Id == group.Key);
                Add(db, group, Snapshot(tracked, row));
            }
        return result;
    }

    public async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (Events(eventData.Context) is { Count: > 0 } events && eventData.Context is PortalDbContext db)
            foreach (var group in events.GroupBy(e => e.SubscriptionId!.Value))
            {
                var tracked = FindTracked(db, group.Key);
                var row = tracked?.State == EntityState.Added ? null
                    : await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == group.Key, cancellationToken);
                Add(db, group, Snapshot(tracked, row));
            }
        return result;
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => Failed(eventData.Context);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Failed(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private List<AuditEvent>? Events(DbContext? context)
    {
        if (!options.Value.Enabled || context is not PortalDbContext db) return null;
        // Entries() runs DetectChanges, so audit events added by any means are seen.
        return db.ChangeTracker.Entries<AuditEvent>()
            .Where(e => e.State == EntityState.Added && e.Entity.SubscriptionId is not null
                        && e.Entity.Type.StartsWith(SubscriptionPrefix, StringComparison.Ordinal))
            .Select(e => e.Entity).ToList();
    }

    private static EntityEntry<MarketplaceSubscription>? FindTracked(PortalDbContext db, Guid id) =>
        db.ChangeTracker.Entries<MarketplaceSubscription>().FirstOrDefault(e => e.Entity.Id == id);

    /// <summary>
    /// The subscription as this SaveChanges will leave it. A row added now exists only in the tracker. Otherwise the
    /// database is read inside the transaction (a status moved by ExecuteUpdate shows there, not in a tracked copy,
    /// which may be stale), and then the changes this SaveChanges is about to write are laid over it.
    /// </summary>
    private static MarketplaceSubscription? Snapshot(EntityEntry<MarketplaceSubscription>? tracked, MarketplaceSubscription? row)
    {
        if (tracked?.State == EntityState.Added) return tracked.Entity;
        if (row is null || tracked?.State != EntityState.Modified) return row;
        foreach (var property in tracked.Properties.Where(p => p.IsModified))
            property.Metadata.PropertyInfo?.SetValue(row, property.CurrentValue);
        return row;
    }

    private void Add(PortalDbContext db, IEnumerable<AuditEvent> events, MarketplaceSubscription? s)
    {
        if (s is null) return; // an audit event naming a subscription that does not exist: nothing to describe
        var subscription = new WebhookSubscription(s.Id, s.ProductCode, s.CustomerAwsAccountId, s.LicenseArn, s.CustomerIdentifier,
            s.OfferType, s.Status, s.OrganizationId, s.LinkedAt);
        var now = time.GetUtcNow();
        var state = pending.GetOrCreateValue(db);
        foreach (var e in events)
        {
            var id = WebhookEvent.NewId(now);
            var delivery = new WebhookDelivery
            {
                EventId = id, EventType = e.Type, SubscriptionId = s.Id, CreatedAt = now, NextAttemptAt = now,
                Payload = new WebhookEvent(id, e.Type, e.OccurredAt.ToUniversalTime(), subscription).ToJson(),
            };
            db.Set<WebhookDelivery>().Add(delivery);
            state.Added.Add(delivery);
        }
    }

    private void Saved(DbContext? context)
    {
        if (context is null || !pending.TryGetValue(context, out var state) || state.Added.Count == 0) return;
        state.Added.Clear();
        // Inside a caller's transaction the rows are invisible to the worker until it commits.
        if (context.Database.CurrentTransaction is null) Wake(context);
        else state.AwaitingCommit = true;
    }

    /// <summary>A failed SaveChanges leaves our rows tracked; dropping them keeps a retry on this context from sending twice.</summary>
    private void Failed(DbContext? context)
    {
        if (context is null || !pending.TryGetValue(context, out var state)) return;
        foreach (var d in state.Added)
            if (context.Entry(d).State == EntityState.Added) context.Entry(d).State = EntityState.Detached;
        state.Added.Clear();
    }

    private void Committed(DbContext? context)
    {
        if (context is not null && pending.TryGetValue(context, out var state) && state.AwaitingCommit) Wake(context);
    }

    private void Forget(DbContext? context)
    {
        if (context is not null && pending.TryGetValue(context, out var state)) state.AwaitingCommit = false;
    }

    private void Wake(DbContext context)
    {
        pending.Remove(context);
        signal.Notify();
    }
}
