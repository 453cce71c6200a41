using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Portal.Operations;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>What an operator runs the portal with: health endpoints, metrics, correlation ids, forwarded headers.</summary>
public static partial class OperationsExtensions
{
    public const string CorrelationHeader = "X-Correlation-Id";

    public static IHostApplicationBuilder AddOperations(this IHostApplicationBuilder builder)
    {
        builder.AddPortalTelemetry();
        builder.Services.AddPortalRateLimits(builder.Configuration);
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<FeaturesHealthCheck>("features", tags: ["ready"]);
        // Behind a reverse proxy or load balancer: trust X-Forwarded-* from the listed proxies / networks only.
        var proxies = builder.Configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [];
        var networks = builder.Configuration.GetSection("ForwardedHeaders:KnownNetworks").Get<string[]>() ?? [];
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            foreach (var p in proxies) o.KnownProxies.Add(IPAddress.Parse(p));
            foreach (var n in networks) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(n));
        });
        return builder;
    }

    /// <summary>First in the pipeline: the forwarded scheme and client address, and a correlation id on every log line.</summary>
    public static WebApplication UseOperations(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UsePortalTelemetry();
        app.UseSecurityHeaders();
        app.Use(async (ctx, next) =>
        {
            // A Host (sent, or forwarded by a trusted proxy) that no URI can hold, e.g. a 300-character label, would
            // make every page's NavigationManager throw later: it is the client's mistake, so 400 here.
            if (!HasUsableHost(ctx.Request))
            {
                ctx.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            await next();
        });
        app.Use(async (ctx, next) =>
        {
            // A caller's id is kept when it is short and plain (it is written to logs); otherwise the request's own.
            var given = ctx.Request.Headers[CorrelationHeader].ToString();
            var id = given.Length is > 0 and <= 64 && SafeId().IsMatch(given) ? given : ctx.TraceIdentifier;
            ctx.Response.Headers[CorrelationHeader] = id;
            var logger = ctx.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Portal.Request");
            using (logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = id }))
                await next();
        });
        return app;
    }

    private static bool HasUsableHost(HttpRequest request) =>
        (string.Equals(request.Scheme, "http", StringComparison.OrdinalIgnoreCase) || string.Equals(request.Scheme, "https", StringComparison.OrdinalIgnoreCase))
        && (!request.Host.HasValue || Uri.TryCreate($"{request.Scheme}://{request.Host.Value}/", UriKind.Absolute, out _));

    public static WebApplication MapOperations(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).ExcludeFromDescription();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteJsonAsync })
            .ExcludeFromDescription();
        app.MapPortalMetrics();
        return app;
    }

    private static Task WriteJsonAsync(HttpContext ctx, HealthReport report)
    {
        ctx.Response.ContentType = "application/json; charset=utf-8";
        return ctx.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        }, JsonSerializerOptions.Web));
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]+$")]
    private static partial Regex SafeId();
}
