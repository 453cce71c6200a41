using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Marketplace.Subscriptions;

namespace Portal.Metering;

/// <summary>
/// Sends usage to AWS in the background. On a fixed grid of <see cref="MeteringOptions.Interval"/> (on the hour by
/// default, never drifting after a slow or late pass) it aggregates closed hours and sends them, oldest first, so a
/// month's closing hour goes first at 00:00 on the 1st. Every minute in between it retries what is due, aggregates
/// late usage of hours whose cutoff would pass before the next full pass (<see cref="MeteringWindow"/>), and flushes
/// subscriptions that are ending. Only the instance holding the "metering" lease works.
/// </summary>
public sealed class MeteringWorker(IServiceScopeFactory scopes, LeaseService lease, IOptions<MeteringOptions> options, TimeProvider time,
    ILogger<MeteringWorker> logger) : BackgroundService
{
    public const string LeaseName = "metering";
    private static readonly TimeSpan LightPass = TimeSpan.FromMinutes(1);
    /// <summary>AWS's final reporting window after an agreement ends.</summary>
    private static readonly TimeSpan FinalWindow = TimeSpan.FromHours(1);
    private readonly SemaphoreSlim wake = new(0);

    /// <summary>Runs a pass soon: a subscription started ending.</summary>
    public void Nudge() { if (wake.CurrentCount == 0) wake.Release(); }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            logger.LogWarning("Metering:Enabled is false: usage is stored but not sent to AWS");
            return;
        }
        var nextFull = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            var full = time.GetUtcNow() >= nextFull;
            try
            {
                if (await lease.TryAcquireAsync(LeaseName, options.Value.LeaseDuration, stoppingToken))
                    await RunPassAsync(full, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Metering pass failed; usage stays stored and is retried on the next pass");
            }
            var now = time.GetUtcNow();
            if (full) nextFull = MeteringWindow.NextFullPass(now, options.Value.Interval);
            var pause = nextFull - now < LightPass ? nextFull - now : LightPass;
            if (pause < TimeSpan.Zero) pause = TimeSpan.Zero;
            try { await wake.WaitAsync(pause, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>One pass: public so tests and the benchmark drive it without waiting for the timer.</summary>
    public async Task<SendSummary> RunPassAsync(bool full, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var aggregator = scope.ServiceProvider.GetRequiredService<MeteringAggregator>();
        var sender = scope.ServiceProvider.GetRequiredService<MeteringSender>();
        Task<bool> Renew(CancellationToken c) => lease.TryAcquireAsync(LeaseName, options.Value.LeaseDuration, c);
        // The fence of the lease as this pass holds it (just renewed): a write after it changed hands is refused.
        var fence = await Renew(ct) ? lease.Fence(LeaseName) : null;
        Task<bool> Fenced(PortalDbContext db, CancellationToken c) =>
            fence is null ? Task.FromResult(true) : lease.HoldsAsync(db, fence, options.Value.LeaseDuration, c);

        await using (var db = scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext())
        {
            // Ending: in AWS's final window (PendingCancellation), or cancelled within the last hour without one, so
            // usage recorded before the end still goes out at once. Older ends are left to the ordinary passes.
            var since = time.GetUtcNow() - FinalWindow;
            var ending = await db.Subscriptions.AsNoTracking()
                .Where(s => (s.Status == SubscriptionStatus.PendingCancellation && (s.EndedAt == null || s.EndedAt > since - FinalWindow))
                    || (s.Status == SubscriptionStatus.Cancelled && s.EndedAt > since))
                .Select(s => s.Id).ToListAsync(ct);
            foreach (var id in ending)
            {
                await aggregator.AggregateAsync(id, ct);
                await sender.SendDueAsync(id, Renew, Fenced, ct);
            }
        }
        if (full) await aggregator.AggregateAsync(ct: ct);
        else
        {
            var now = time.GetUtcNow();
            var urgent = MeteringWindow.UrgentBefore(now, MeteringWindow.NextFullPass(now, options.Value.Interval), LightPass, options.Value);
            if (urgent > MeteringClock.HourOf(now - options.Value.Window)) await aggregator.AggregateBeforeAsync(urgent, ct);
        }
        return await sender.SendDueAsync(stillLeader: Renew, fenced: Fenced, ct: ct);
    }
}

/// <summary>The agreement ended or the license was deprovisioned → send the subscription's outstanding usage now, not at the next interval.</summary>
public sealed class MeteringObserver(MeteringWorker worker) : Portal.Marketplace.Lifecycle.ISubscriptionObserver
{
    public Task OnAppliedAsync(Guid subscriptionId, Portal.Marketplace.Lifecycle.LifecycleAction action, CancellationToken ct)
    {
        if (action is Portal.Marketplace.Lifecycle.LifecycleAction.UnsubscribePending or Portal.Marketplace.Lifecycle.LifecycleAction.UnsubscribeSuccess)
            worker.Nudge();
        return Task.CompletedTask;
    }
}
