using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Marketplace.Subscriptions;

namespace Portal.Marketplace.Simulator;

public sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    /// <summary>
    /// How long after a buyer links a subscription the built-in simulator confirms it with subscribe-success, as AWS
    /// does a little while after a purchase. Zero turns the automatic confirmation off (the dev page still sends it).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "Simulator:ConfirmDelay must be between 0 and 1 hour.")]
    public TimeSpan ConfirmDelay { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// In simulator mode, sends the signed SNS subscribe-success for every linked subscription still Pending once
/// <see cref="SimulatorOptions.ConfirmDelay"/> has passed, through the portal's real notification endpoint (so the
/// message is verified and applied exactly as one from AWS). Restart-safe: what is Pending is read from the database.
/// </summary>
public sealed class SimulatorAutoConfirm(
    IDbContextFactory<PortalDbContext> factory, SimulatorNotifier notifier, IOptions<MarketplaceOptions> marketplace,
    IOptions<SimulatorOptions> options, TimeProvider time, ILogger<SimulatorAutoConfirm> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Resend = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> sent = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (marketplace.Value.Mode != MarketplaceMode.Simulator || options.Value.ConfirmDelay <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(Tick, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try { await ConfirmDueAsync(stoppingToken); }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Simulator could not confirm a subscription yet: {Error}", ex.Message);
            }
        }
    }

    public async Task<int> ConfirmDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var due = now - options.Value.ConfirmDelay;
        await using var db = factory.CreateDbContext();
        var pending = await db.Subscriptions.AsNoTracking()
            .Where(s => s.Status == SubscriptionStatus.Pending && s.OrganizationId != null && s.LinkedAt != null && s.LinkedAt <= due)
            .ToListAsync(ct);
        var count = 0;
        foreach (var s in pending)
        {
            // One message, and another only if the first was lost (the endpoint applies a repeat once anyway).
            if (sent.TryGetValue(s.Id, out var at) && now - at < Resend) continue;
            sent[s.Id] = now;
            var status = await notifier.SendSnsAsync("subscribe-success", s, ct);
            logger.LogInformation("Simulator confirmed subscription {SubscriptionId} with subscribe-success ({Status})", s.Id, status);
            count++;
        }
        return count;
    }
}
