using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.StaticAssets;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Portal.Operations;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Metrics and traces with OpenTelemetry: HTTP server and client, the .NET runtime, and the portal's own meters and
/// activity sources. Metrics are scraped at /metrics (Prometheus text); both signals also go over OTLP when the
/// standard OTEL_EXPORTER_OTLP_ENDPOINT is set (the other OTEL_* variables, e.g. OTEL_EXPORTER_OTLP_PROTOCOL, apply).
/// </summary>
public static class TelemetryExtensions
{
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Every meter and activity source of the portal is "Portal" or "Portal.&lt;feature&gt;": a new feature's are exported too.</summary>
    private static readonly string[] OurNames = [PortalMetrics.MeterName, PortalMetrics.MeterName + ".*"];

    public static IHostApplicationBuilder AddPortalTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PortalMetrics>();
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "portal"))
            .WithMetrics(m =>
            {
                m.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation()
                    .AddMeter(OurNames).AddPrometheusExporter();
                if (otlp) m.AddOtlpExporter();
            })
            .WithTracing(t =>
            {
                // Scrapes and probes every few seconds would bury the requests worth reading.
                t.AddAspNetCoreInstrumentation(o => o.Filter = ctx => !IsProbe(ctx.Request.Path))
                    .AddHttpClientInstrumentation().AddSource(OurNames);
                if (otlp) t.AddOtlpExporter();
            });
        return builder;
    }

    private static bool IsProbe(PathString path) => path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health");

    /// <summary>
    /// Static assets (MudBlazor's CSS, the fingerprinted app files, …) leave the HTTP server metrics and traces: each
    /// one is an endpoint of its own, so each would add an http_route series to every histogram, and a trace of its own.
    /// Runs after routing (WebApplication routes first), so the endpoint is known.
    /// </summary>
    public static WebApplication UsePortalTelemetry(this WebApplication app)
    {
        if (!string.IsNullOrWhiteSpace(app.Configuration[OtlpEndpointKey]))
            app.Logger.LogInformation("Traces and metrics are exported over OTLP to {Endpoint}", app.Configuration[OtlpEndpointKey]);
        app.Use((ctx, next) =>
        {
            if (ctx.GetEndpoint()?.Metadata.GetMetadata<StaticAssetDescriptor>() is not null)
            {
                if (ctx.Features.Get<IHttpMetricsTagsFeature>() is { } metrics) metrics.MetricsDisabled = true;
                if (Activity.Current is { } activity && activity.Source.Name == "Microsoft.AspNetCore")
                {
                    activity.IsAllDataRequested = false;
                    activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
                }
            }
            return next(ctx);
        });
        return app;
    }

    public static WebApplication MapPortalMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics").ExcludeFromDescription();
        return app;
    }
}
