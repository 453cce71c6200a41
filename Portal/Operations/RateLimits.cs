using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using Portal.Marketplace.Landing;

namespace Portal.Operations;

public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";
    public bool Enabled { get; set; } = true;
    [ValidateObjectMembers] public Limit Landing { get; set; } = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(1) };
    [ValidateObjectMembers] public Limit Notifications { get; set; } = new() { PermitLimit = 600, Window = TimeSpan.FromMinutes(1) };
    [ValidateObjectMembers] public Limit Usage { get; set; } = new() { PermitLimit = 6000, Window = TimeSpan.FromMinutes(1) };
    /// <summary>Sign-in, registration, code checks, resends and password resets from one client IP, per action.</summary>
    [ValidateObjectMembers] public Limit AccountsPerClient { get; set; } = new() { PermitLimit = 20, Window = TimeSpan.FromMinutes(1) };
    /// <summary>The same actions aimed at one e-mail address or user, per action, whichever IPs they come from.</summary>
    [ValidateObjectMembers] public Limit AccountsPerAccount { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(15) };

    public sealed class Limit
    {
        [Range(1, 1_000_000)] public int PermitLimit { get; set; }
        [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan Window { get; set; }
    }
}

/// <summary>
/// ASP.NET Core's rate limiter on the public endpoints: the landing and AWS's notification endpoints per client IP
/// (after forwarded headers), the usage API per API key. A refused buyer gets the landing's localized page with
/// Retry-After; a program gets a 429 problem with Retry-After.
/// </summary>
public static class RateLimits
{
    public const string Landing = "landing", Notifications = "notifications", Usage = "usage";

    public static IServiceCollection AddPortalRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var o = configuration.GetSection(RateLimitOptions.SectionName).Get<RateLimitOptions>() ?? new();
        services.AddRateLimiter(r =>
        {
            r.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            r.AddPolicy(Landing, ctx => Window(o.Enabled, "ip:" + ClientIp(ctx), o.Landing));
            r.AddPolicy(Notifications, ctx => Window(o.Enabled, "ip:" + ClientIp(ctx), o.Notifications));
            r.AddPolicy(Usage, ctx => Window(o.Enabled, "key:" + ApiKeyOrIp(ctx), o.Usage));
            r.OnRejected = OnRejectedAsync;
        });
        return services;
    }

    private static RateLimitPartition<string> Window(bool enabled, string key, RateLimitOptions.Limit limit) => enabled
        ? RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions { PermitLimit = limit.PermitLimit, Window = limit.Window, QueueLimit = 0 })
        : RateLimitPartition.GetNoLimiter(key);

    private static string ClientIp(HttpContext ctx) => ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>A hash of the presented key (never the key itself in memory longer than needed); the IP without one.</summary>
    private static string ApiKeyOrIp(HttpContext ctx)
    {
        var presented = ctx.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : ctx.Request.Headers["X-Api-Key"].ToString();
        return presented.Length is > 0 and <= 256 ? Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(presented)))[..32] : "ip:" + ClientIp(ctx);
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken ct)
    {
        var ctx = context.HttpContext;
        var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(60);
        ctx.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        if (ctx.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
        PortalMetrics.RateLimited(ctx.GetEndpoint()?.DisplayName ?? ctx.Request.Path);
        if (ctx.Request.Path.StartsWithSegments("/marketplace/landing"))
        {
            ctx.Response.Headers.CacheControl = "no-store";
            await new RazorComponentResult<Portal.Components.Pages.LandingProblemPage>(new { Problem = LandingProblem.TooManyRequests })
            {
                StatusCode = StatusCodes.Status429TooManyRequests,
            }.ExecuteAsync(ctx);
            return;
        }
        await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "too-many-requests",
            detail: $"Too many requests; retry after {ctx.Response.Headers.RetryAfter} seconds.").ExecuteAsync(ctx);
    }
}
