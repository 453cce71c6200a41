using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Portal.Webhooks;

/// <summary>
/// Sends the webhook outbox to the vendor's product, oldest first. A row becomes Delivered only after a 2xx, so a
/// crash or an outage means a later retry, never a lost event (receivers de-duplicate by event id). Failures back
/// off exponentially with jitter; after MaxAttempts the row is Failed and kept for the operator.
/// </summary>
public sealed class WebhookDeliveryWorker(
    IDbContextFactory<PortalDbContext> factory, IOptions<WebhookOptions> options, IHttpClientFactory http, TimeProvider time,
    IMeterFactory meters, WebhookSignal signal, ILogger<WebhookDeliveryWorker> logger) : BackgroundService
{
    public const string HttpClientName = "webhooks";
    public const string MeterName = "Portal.Webhooks";
    /// <summary>One activity a delivery attempt (source "Portal.Webhooks"), above its HTTP request.</summary>
    public static readonly ActivitySource Activities = new(MeterName);
    private const int BatchSize = 100;

    private readonly Counter<long> delivered = meters.Create(MeterName)
        .CreateCounter<long>("portal.webhooks.delivered", description: "Webhook events the vendor's product accepted");
    private readonly Counter<long> failed = meters.Create(MeterName)
        .CreateCounter<long>("portal.webhooks.failed", description: "Webhook events given up after the last attempt");

    /// <summary>Wakes the worker: new rows were committed.</summary>
    public void Notify() => signal.Notify();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.OffReason is { } reason)
        {
            logger.LogInformation("Webhooks are off: {Reason}", reason);
            return;
        }
        logger.LogInformation("Webhooks on: events are sent to {Url}", options.Value.Url);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DeliverBatchAsync(stoppingToken) > 0) { }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Webhook delivery pass failed; retrying at the next poll");
            }
            try { await signal.WaitAsync(options.Value.PollInterval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Attempts every due delivery once; returns how many were attempted.</summary>
    public async Task<int> DeliverBatchAsync(CancellationToken ct)
    {
        var o = options.Value;
        await using var db = factory.CreateDbContext();
        var rows = await db.Set<WebhookDelivery>().Where(d => d.Status == WebhookDeliveryStatus.Pending)
            .OrderBy(d => d.CreatedAt).Take(BatchSize).ToListAsync(ct);
        // A subscription's events go out in order: one waiting for its retry holds back the later ones.
        var held = new HashSet<Guid>();
        var attempted = 0;
        foreach (var row in rows)
        {
            if (held.Contains(row.SubscriptionId)) continue;
            var now = time.GetUtcNow();
            if (row.NextAttemptAt > now || !await ClaimAsync(db, row, now, o, ct))
            {
                held.Add(row.SubscriptionId);
                continue;
            }
            attempted++;
            if (!await AttemptAsync(row, o, ct)) held.Add(row.SubscriptionId);
            await db.SaveChangesAsync(ct);
        }
        return attempted;
    }

    /// <summary>
    /// Leases the row past the request's timeout, so a second portal instance skips it, and a crash mid-request
    /// leaves it to be retried when the lease ends. Of two instances claiming at once, only one moves it.
    /// </summary>
    private static async Task<bool> ClaimAsync(PortalDbContext db, WebhookDelivery row, DateTimeOffset now, WebhookOptions o, CancellationToken ct)
    {
        var seen = row.NextAttemptAt;
        var lease = now + o.Timeout + TimeSpan.FromMinutes(1);
        return await db.Set<WebhookDelivery>()
            .Where(d => d.Id == row.Id && d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt == seen)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.NextAttemptAt, lease), ct) == 1;
    }

    private async Task<bool> AttemptAsync(WebhookDelivery row, WebhookOptions o, CancellationToken ct)
    {
        using var activity = Activities.StartActivity("Webhooks.Deliver", ActivityKind.Producer);
        activity?.SetTag("portal.webhook.event_type", row.EventType).SetTag("portal.webhook.event_id", row.EventId)
            .SetTag("portal.webhook.attempt", row.Attempts + 1);
        int? status = null;
        string error;
        try
        {
            using var request = WebhookSigner.CreateRequest(new Uri(o.Url!), o.Secret!, row, time.GetUtcNow());
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                row.MarkDelivered(status.Value, time.GetUtcNow());
                delivered.Add(1, new KeyValuePair<string, object?>("type", row.EventType));
                activity?.SetTag("portal.webhook.outcome", "delivered");
                logger.LogInformation("Webhook {EventId} ({EventType}) delivered after {Attempts} attempt(s)", row.EventId, row.EventType, row.Attempts);
                return true;
            }
            error = $"HTTP {status} {response.ReasonPhrase}";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            error = $"Timed out after {o.Timeout}";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Refused connections, DNS, TLS, a broken handler: all count as a failed attempt, never a stuck row.
            error = $"{ex.GetType().Name}: {ex.Message}";
        }
        row.MarkAttemptFailed(status, error, time.GetUtcNow() + Backoff(row.Attempts + 1, o, Random.Shared.NextDouble()), o.MaxAttempts);
        activity?.SetStatus(ActivityStatusCode.Error, error)
            .SetTag("portal.webhook.outcome", row.Status == WebhookDeliveryStatus.Failed ? "failed" : "retry");
        if (row.Status == WebhookDeliveryStatus.Failed)
        {
            failed.Add(1, new KeyValuePair<string, object?>("type", row.EventType));
            logger.LogError("Webhook {EventId} ({EventType}) given up after {Attempts} attempts: {Error}", row.EventId, row.EventType, row.Attempts, error);
        }
        else
        {
            logger.LogWarning("Webhook {EventId} ({EventType}) not delivered (attempt {Attempt}): {Error}", row.EventId, row.EventType, row.Attempts, error);
        }
        return false;
    }

    /// <summary>
    /// The wait before the next try after <paramref name="attempts"/> failures: BaseDelay doubled each time, capped at
    /// MaxDelay, then scaled into its upper half by <paramref name="random"/> so many portals do not retry in step.
    /// </summary>
    internal static TimeSpan Backoff(int attempts, WebhookOptions o, double random)
    {
        var exponential = o.BaseDelay.Ticks * Math.Pow(2, Math.Clamp(attempts - 1, 0, 40));
        var capped = Math.Min(exponential, o.MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)(capped * (0.5 + Math.Clamp(random, 0, 1) / 2)));
    }
}

/// <summary>
/// The worker's doorbell, its own singleton so the DbContext's interceptor can ring it without depending on the
/// worker (which depends on the DbContext factory).
/// </summary>
public sealed class WebhookSignal : IDisposable
{
    private readonly SemaphoreSlim wake = new(0, 1);

    public void Notify()
    {
        if (wake.CurrentCount == 0) try { wake.Release(); } catch (SemaphoreFullException) { }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => wake.WaitAsync(timeout, ct);

    public void Dispose() => wake.Dispose();
}
