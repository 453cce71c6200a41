using Amazon.Runtime;
using Microsoft.Extensions.Options;
using Portal.Marketplace;
using Portal.Marketplace.Aws;
using Portal.Marketplace.Landing;
using Portal.Marketplace.Simulator;

namespace Microsoft.Extensions.DependencyInjection;

public static class MarketplaceExtensions
{
    public static IHostApplicationBuilder AddMarketplace(this IHostApplicationBuilder builder)
    {
        var modeSet = builder.Configuration[$"{MarketplaceOptions.SectionName}:Mode"] is not null;
        var isDevelopment = builder.Environment.IsDevelopment();
        builder.Services.AddOptions<MarketplaceOptions>().BindConfiguration(MarketplaceOptions.SectionName)
            .PostConfigure(o =>
            {
                if (!modeSet) o.Mode = isDevelopment ? MarketplaceMode.Simulator : MarketplaceMode.Aws;
                // The simulator sends EventBridge events too: with no secret configured it gets a process-local one.
                if (o.Mode == MarketplaceMode.Simulator && string.IsNullOrEmpty(o.EventBridge.Secret))
                    o.EventBridge.Secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
            })
            .ValidateDataAnnotations().Validate(o => o.Products.Count > 0,
                "Marketplace:Products must list at least one product (Marketplace:Products:0:ProductCode and :Name).")
            .Validate(o => o.Products.All(p => !string.IsNullOrWhiteSpace(p.ProductCode) && !string.IsNullOrWhiteSpace(p.Name)),
                "Marketplace:Products:N:ProductCode and :Name are required for every product.")
            .Validate(o => o.EventBridge.Secret is null || o.EventBridge.Secret.Length >= 32,
                "Marketplace:EventBridge:Secret must be at least 32 characters (or absent to turn the endpoint off).")
            .Validate(o => o.Calls.MaxDelay >= o.Calls.BaseDelay,
                "Marketplace:Calls:MaxDelay must not be less than Marketplace:Calls:BaseDelay.")
            .Validate(o => o.Calls.AttemptTimeout <= o.Calls.MaxTotalTime,
                "Marketplace:Calls:AttemptTimeout must not exceed Marketplace:Calls:MaxTotalTime.")
            .Validate(o => BuildsRetryPipeline(o.Calls),
                "Marketplace:Calls (AttemptTimeout, MaxAttempts, BaseDelay, MaxDelay, MaxTotalTime) do not make a valid retry pipeline.")
            .ValidateOnStart();

        builder.Services.AddSingleton<MarketplaceEndpointResolver>();
        builder.Services.AddSingleton<MarketplaceMetrics>();
        builder.Services.AddSingleton<AwsCredentialsStatus>();
        builder.Services.AddHealthChecks().AddCheck<AwsCredentialsHealthCheck>("aws-credentials", tags: ["ready"]);
        builder.Services.AddSingleton<IAwsCredentialSource>(sp =>
            sp.GetRequiredService<IOptions<MarketplaceOptions>>().Value.Mode == MarketplaceMode.Simulator
                ? new StaticCredentialSource(new BasicAWSCredentials(SimulatorEndpoints.AccessKeyId, SimulatorEndpoints.SecretAccessKey))
                : new DefaultChainCredentialSource());
        builder.Services.AddHttpClient("aws-marketplace", c => c.Timeout = Timeout.InfiniteTimeSpan)
            .AddTypedClient<IAmazonMarketplaceMetering>((http, sp) => ActivatorUtilities.CreateInstance<MarketplaceMeteringClient>(sp, http))
            .AddTypedClient<IAmazonMarketplaceEntitlementService>((http, sp) => ActivatorUtilities.CreateInstance<MarketplaceEntitlementClient>(sp, http));

        builder.Services.AddSingleton<SimulatorTokens>();
        builder.Services.AddSingleton<SimulatorState>();
        builder.Services.AddSingleton<SimulatorNotifier>();
        builder.Services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<SimulatorAutoConfirm>();
        builder.Services.AddHttpClient("simulator-notifier", c => c.Timeout = TimeSpan.FromSeconds(30));
        builder.Services.AddScoped<LandingService>();
        builder.Services.AddScoped<SubscriptionRegistrar>();
        builder.Services.AddSingleton(new Portal.Marketplace.Lifecycle.SnsCertificateTrust());
        builder.Services.AddSingleton<Portal.Marketplace.Lifecycle.SnsSignatureVerifier>();
        builder.Services.AddScoped<Portal.Marketplace.Lifecycle.LifecycleService>();
        builder.Services.AddScoped<Portal.Marketplace.Lifecycle.UnplacedNotifications>();
        builder.Services.AddScoped<Portal.Marketplace.Entitlements.EntitlementService>();
        builder.Services.AddScoped<Portal.Marketplace.Lifecycle.ISubscriptionObserver, Portal.Marketplace.Entitlements.EntitlementObserver>();
        builder.Services.AddHostedService<Portal.Marketplace.Entitlements.EntitlementRefreshWorker>();
        builder.Services.AddHttpClient("sns-certificates", c => c.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.AddHttpClient("sns-confirm", c => c.Timeout = TimeSpan.FromSeconds(10));
        return builder;
    }

    /// <summary>Polly checks its own ranges when a pipeline is built: do it at start-up, not on the first buyer's landing.</summary>
    private static bool BuildsRetryPipeline(AwsCallOptions calls)
    {
        try { AwsResilience.Build(calls, TimeProvider.System); return true; }
        catch (System.ComponentModel.DataAnnotations.ValidationException) { return false; }
    }

    public static WebApplication MapMarketplace(this WebApplication app)
    {
        app.MapMarketplaceLanding();
        app.MapSnsNotifications();
        app.MapEventBridgeNotifications();
        if (app.Services.GetRequiredService<IOptions<MarketplaceOptions>>().Value.Mode == MarketplaceMode.Simulator)
            app.MapMarketplaceSimulator();
        return app;
    }
}
