using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Marketplace.Aws;
using Portal.Marketplace.Simulator;
using Portal.Marketplace.Subscriptions;
using Portal.Metering;
using Portal.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Portal.Tests.Integration.Metering;

/// <summary>
/// The real portal (SQLite file or PostgreSQL) with its simulator as AWS, on a clock the test moves. The background
/// worker is off so each test drives aggregation and sending itself.
/// </summary>
public sealed class MeteringWorld : IAsyncDisposable
{
    public const string Product = PortalAppFactory.PaygProduct;
    public FakeTimeProvider Clock { get; }
    public PortalAppFactory App { get; }
    public SimulatorState Aws => App.Services.GetRequiredService<SimulatorState>();

    public MeteringWorld(DateTimeOffset now, string? postgres = null, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        Clock = new FakeTimeProvider(now).WithRealTimers();
        var all = new Dictionary<string, string?>
        {
            ["Metering:Enabled"] = "false", ["Metering:RetryBaseDelay"] = "00:00:10", ["Metering:MaxRetryDelay"] = "00:01:00",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) all[k] = v;
        App = new PortalAppFactory(all, postgres, s =>
        {
            s.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
            services?.Invoke(s);
        });
        _ = App.BaseAddress; // start the server
    }

    public PortalDbContext Db() => App.CreateDbContext();

    public MeteringAggregator Aggregator() => App.Services.GetRequiredService<MeteringAggregator>();

    public MeteringSender Sender(IAmazonMarketplaceMetering? client = null) => client is null
        ? App.Services.GetRequiredService<MeteringSender>()
        : new MeteringSender(App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>(), client,
            App.Services.GetRequiredService<IOptions<MeteringOptions>>(), Clock,
            App.Services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<MeteringSender>>(), App.Services.GetRequiredService<MeteringMetrics>());

    public IAmazonMarketplaceMetering AwsClient() => App.Services.GetRequiredService<IAmazonMarketplaceMetering>();

    /// <summary><paramref name="count"/> subscribed customers (licenses in the simulator, subscriptions in the database).</summary>
    public async Task<List<MarketplaceSubscription>> CustomersAsync(int count, string prefix = "1")
    {
        var list = new List<MarketplaceSubscription>();
        await using var db = Db();
        for (var i = 0; i < count; i++)
        {
            var account = prefix + i.ToString("D11");
            var arn = $"arn:aws:license-manager::{account}:license:l-{Guid.NewGuid():N}";
            Aws.AddLicense(new SimulatorState.License(Product, account, arn, "c" + account, SimulatedOffer.Payg, Clock.GetUtcNow().AddYears(1)));
            var s = new MarketplaceSubscription
            {
                ProductCode = Product, CustomerAwsAccountId = account, LicenseArn = arn, OfferType = OfferType.Payg,
                Status = SubscriptionStatus.Active, CreatedAt = Clock.GetUtcNow(), UpdatedAt = Clock.GetUtcNow(),
            };
            db.Subscriptions.Add(s);
            list.Add(s);
        }
        await db.SaveChangesAsync();
        return list;
    }

    public async Task UsageAsync(Guid subscriptionId, string dimension, long quantity, DateTimeOffset at, string? key = null)
    {
        await using var db = Db();
        db.UsageEvents.Add(new UsageEvent
        {
            SubscriptionId = subscriptionId, Dimension = dimension, Quantity = quantity, OccurredAt = at, ReceivedAt = Clock.GetUtcNow(),
            IdempotencyKey = key ?? Guid.NewGuid().ToString(), Source = "host",
        });
        await db.SaveChangesAsync();
    }

    public async Task<List<MeteringRecord>> RecordsAsync()
    {
        await using var db = Db();
        return await db.MeteringRecords.AsNoTracking().ToListAsync();
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
