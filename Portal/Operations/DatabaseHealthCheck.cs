using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Marketplace;
using Portal.Metering;

namespace Portal.Operations;

/// <summary>Ready means: the database answers, has every migration this build knows and can take a write.</summary>
public sealed class DatabaseHealthCheck(IDbContextFactory<PortalDbContext> factory) : IHealthCheck
{
    /// <summary>How long the SQLite write probe waits for the write lock; a probe must answer before a load balancer gives up.</summary>
    public static readonly TimeSpan WriteProbeTimeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var db = factory.CreateDbContext();
            if (!await db.Database.CanConnectAsync(ct)) return HealthCheckResult.Unhealthy("The database does not answer.");
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count > 0)
                return HealthCheckResult.Unhealthy($"{pending.Count} migration(s) not applied: {string.Join(", ", pending)}.");
            if (db.Database.IsSqlite() && !await CanTakeWriteLockAsync(db, ct))
                return HealthCheckResult.Unhealthy("The database is locked for writing by another connection.");
            return HealthCheckResult.Healthy("Reachable; migrations applied.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The exception type only: connection strings and server messages stay in the logs.
            return HealthCheckResult.Unhealthy($"The database check failed ({ex.GetType().Name}).");
        }
    }

    /// <summary>
    /// In WAL mode SQLite keeps serving reads while another process holds the write lock, yet the portal cannot
    /// onboard anyone without writing: take the lock for an instant (and write nothing) to tell.
    /// </summary>
    private static async Task<bool> CanTakeWriteLockAsync(PortalDbContext db, CancellationToken ct)
    {
        db.Database.SetCommandTimeout(WriteProbeTimeout);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await db.Database.ExecuteSqlRawAsync("BEGIN IMMEDIATE", ct);
            await db.Database.ExecuteSqlRawAsync("ROLLBACK", ct);
            return true;
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex) when (ex.SqliteErrorCode is 5 or 6) // SQLITE_BUSY, SQLITE_LOCKED
        {
            return false;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}

/// <summary>Which optional features are on, so an operator sees at a glance what this instance does (always healthy).</summary>
public sealed class FeaturesHealthCheck(IOptions<MarketplaceOptions> marketplace, IOptions<MeteringOptions> metering,
    IOptions<Webhooks.WebhookOptions> webhooks) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var m = marketplace.Value;
        var data = new Dictionary<string, object>
        {
            ["marketplaceMode"] = m.Mode.ToString(),
            ["sns"] = m.Sns.TopicArns.Count > 0 ? "on" : m.Mode == MarketplaceMode.Simulator ? "simulator only" : "off (Marketplace:Sns:TopicArns)",
            ["eventBridge"] = !string.IsNullOrEmpty(m.EventBridge.Secret) ? "on" : "off (Marketplace:EventBridge:Secret)",
            ["metering"] = metering.Value.Enabled ? $"on, every {metering.Value.Interval}" : "off (Metering:Enabled)",
            ["webhooks"] = webhooks.Value.Enabled ? "on" : "off (Webhooks:Url, Webhooks:Secret)",
        };
        return Task.FromResult(HealthCheckResult.Healthy("Feature switches.", data));
    }
}
