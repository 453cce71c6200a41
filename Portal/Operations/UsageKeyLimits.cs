using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Portal.Operations;

/// <summary>
/// The usage API's limit per valid API key. It cannot be an endpoint policy: the rate limiter runs before the endpoint,
/// when the key is only a string anyone can make up; this one is asked after the key was found.
/// </summary>
public sealed class UsageKeyLimits(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<Guid> limiter = PartitionedRateLimiter.Create<Guid, Guid>(keyId => options.Value.Enabled
        ? RateLimitPartition.GetFixedWindowLimiter(keyId, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.Usage.PermitLimit, Window = options.Value.Usage.Window, QueueLimit = 0,
        })
        : RateLimitPartition.GetNoLimiter(keyId));

    /// <summary>Null when the key may make this request; otherwise the 429 problem (Retry-After set) to answer with.</summary>
    public IResult? Admit(HttpContext ctx, Guid apiKeyId)
    {
        using var lease = limiter.AttemptAcquire(apiKeyId);
        if (lease.IsAcquired) return null;
        if (ctx.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
        PortalMetrics.RateLimited("usage per key");
        return RateLimits.TooManyRequests(ctx, lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : options.Value.Usage.Window);
    }

    public void Dispose() => limiter.Dispose();
}
