using Portal.Metering;

namespace Microsoft.Extensions.DependencyInjection;

public static class MeteringExtensions
{
    public static IHostApplicationBuilder AddMetering(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MeteringOptions>().BindConfiguration(MeteringOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ApiKeyService>();
        builder.Services.AddSingleton<IUsageRecorder, UsageRecorder>();
        builder.Services.AddSingleton<LeaseService>();
        builder.Services.AddTransient<MeteringAggregator>();
        builder.Services.AddSingleton<MeteringMetrics>();
        builder.Services.AddTransient<MeteringSender>();
        builder.Services.AddScoped<MeteringAttention>();
        builder.Services.AddSingleton<MeteringWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MeteringWorker>());
        builder.Services.AddScoped<Portal.Marketplace.Lifecycle.ISubscriptionObserver, MeteringObserver>();
        return builder;
    }
}
