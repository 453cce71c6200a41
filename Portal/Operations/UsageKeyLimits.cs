using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Portal.Operations;

/// <summary>
/// The usage API's limit per valid API key. It cannot be an endpoint policy: the rate limiter runs before the endpoint,
/// when the key is only a string anyone can make up; this one is asked after the key was found.
/// </summary>
public sealed class UsageKeyLimits(IOptions<RateLimitOptions> options, RateLimitWindows windows, PortalMetrics metrics) : IDisposable
{
    private readonly PartitionedRateLimiter<Guid> limiter = PartitionedRateLimiter.Create<Guid, string>(keyId => options.Value.Enabled
        ? windows.Window("usage-key:" + keyId.ToString("N"), options.Value.Usage)
        : RateLimitPartition.GetNoLimiter(""));

    /// <summary>Null when the key may make this request; otherwise the 429 problem (Retry-After set) to answer with.</summary>
    public async ValueTask<IResult?> AdmitAsync(HttpContext ctx, Guid apiKeyId)
    {
        using var lease = await limiter.AcquireAsync(apiKeyId, cancellationToken: ctx.RequestAborted);
        if (lease.IsAcquired) return null;
        if (ctx.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
        metrics.RateLimited("usage per key");
        return RateLimits.TooManyRequests(ctx, lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : options.Value.Usage.Window);
    }

    public void Dispose() => limiter.Dispose();
}
