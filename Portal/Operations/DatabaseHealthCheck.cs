using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Marketplace;
using Portal.Metering;

namespace Portal.Operations;

/// <summary>Ready means: the database answers and has every migration this build knows.</summary>
public sealed class DatabaseHealthCheck(IDbContextFactory<PortalDbContext> factory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var db = factory.CreateDbContext();
            if (!await db.Database.CanConnectAsync(ct)) return HealthCheckResult.Unhealthy("The database does not answer.");
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            return pending.Count == 0 ? HealthCheckResult.Healthy("Reachable; migrations applied.")
                : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) not applied: {string.Join(", ", pending)}.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The exception type only: connection strings and server messages stay in the logs.
            return HealthCheckResult.Unhealthy($"The database check failed ({ex.GetType().Name}).");
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
