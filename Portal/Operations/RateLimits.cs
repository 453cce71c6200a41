using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using System.Globalization;
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
    /// <summary>The usage API per valid API key, counted after the key is looked up.</summary>
    [ValidateObjectMembers] public Limit Usage { get; set; } = new() { PermitLimit = 6000, Window = TimeSpan.FromMinutes(1) };
    /// <summary>The usage API per client IP, counted before any key is looked up: made-up keys cost one budget.</summary>
    [ValidateObjectMembers] public Limit UsagePerClient { get; set; } = new() { PermitLimit = 12000, Window = TimeSpan.FromMinutes(1) };
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
/// (after forwarded headers), the usage API per client IP before the key lookup and per valid key after it
/// (<see cref="UsageKeyLimits"/>), each window in Redis when it is configured (<see cref="RateLimitWindows"/>): a limit keyed on whatever key is presented would give a client rotating made-up keys
/// unlimited requests, each a database look-up. A refused buyer gets the landing's localized page with
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
            r.AddPolicy(Landing, ctx => Window(ctx, o.Enabled, "landing:ip:" + ClientIp(ctx), o.Landing));
            r.AddPolicy(Notifications, ctx => Window(ctx, o.Enabled, "notifications:ip:" + ClientIp(ctx), o.Notifications));
            r.AddPolicy(Usage, ctx => Window(ctx, o.Enabled, "usage-ip:" + ClientIp(ctx), o.UsagePerClient));
            r.OnRejected = OnRejectedAsync;
        });
        services.AddSingleton<RateLimitWindows>();
        services.AddSingleton<UsageKeyLimits>();
        return services;
    }

    private static RateLimitPartition<string> Window(HttpContext ctx, bool enabled, string key, RateLimitOptions.Limit limit) => enabled
        ? ctx.RequestServices.GetRequiredService<RateLimitWindows>().Window(key, limit)
        : RateLimitPartition.GetNoLimiter(key);

    private static string ClientIp(HttpContext ctx) => ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown";


    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken ct)
    {
        var ctx = context.HttpContext;
        var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(60);
        ctx.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        if (ctx.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
        ctx.RequestServices.GetRequiredService<PortalMetrics>().RateLimited(ctx.GetEndpoint()?.DisplayName ?? ctx.Request.Path);
        if (ctx.Request.Path.StartsWithSegments("/marketplace/landing"))
        {
            ctx.Response.Headers.CacheControl = "no-store";
            await new RazorComponentResult<Portal.Components.Pages.LandingProblemPage>(new { Problem = LandingProblem.TooManyRequests })
            {
                StatusCode = StatusCodes.Status429TooManyRequests,
            }.ExecuteAsync(ctx);
            return;
        }
        await TooManyRequests(ctx, retry).ExecuteAsync(ctx);
    }

    /// <summary>The 429 problem a program gets, with Retry-After set on the response.</summary>
    internal static IResult TooManyRequests(HttpContext ctx, TimeSpan retry)
    {
        ctx.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "too-many-requests",
            detail: $"Too many requests; retry after {ctx.Response.Headers.RetryAfter} seconds.");
    }
}
