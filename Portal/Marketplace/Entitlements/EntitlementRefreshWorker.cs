using Microsoft.Extensions.Options;
using Portal.Metering;

namespace Portal.Marketplace.Entitlements;

/// <summary>
/// Refreshes contract entitlements on a schedule: every <see cref="EntitlementOptions.RefreshInterval"/> for all live
/// contracts (AWS does not always notify), and every <see cref="EntitlementOptions.WaitingPollInterval"/> for contracts
/// whose buyer is waiting in the wizard for AWS to confirm. One instance at a time (a lease).
/// </summary>
public sealed class EntitlementRefreshWorker(IServiceScopeFactory scopes, LeaseService lease, IOptions<MarketplaceOptions> options,
    TimeProvider time, ILogger<EntitlementRefreshWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value.Entitlements;
        var nextFull = time.GetUtcNow() + o.RefreshInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await Task.Delay(o.WaitingPollInterval, time, stoppingToken); }
            catch (OperationCanceledException) { return; }
            var full = time.GetUtcNow() >= nextFull;
            try
            {
                if (!await lease.TryAcquireAsync("entitlements", o.WaitingPollInterval * 4, stoppingToken)) continue;
                await using var scope = scopes.CreateAsyncScope();
                var service = scope.ServiceProvider.GetRequiredService<EntitlementService>();
                foreach (var id in await service.DueAsync(waitingOnly: !full, stoppingToken))
                    await service.RefreshAsync(id, stoppingToken);
                if (full) nextFull = time.GetUtcNow() + o.RefreshInterval;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Entitlement refresh failed; retried on the next pass");
            }
        }
    }
}
