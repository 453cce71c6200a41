using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using RedisRateLimiting;
using StackExchange.Redis;

namespace Portal.Operations;

/// <summary>
/// Makes every fixed-window limit of the portal (HTTP policies, usage per key, account actions): in-process windows
/// without Redis, so each instance counts on its own; with Redis:Configuration set, windows counted in Redis
/// (RedisRateLimiting's Lua script), so a client gets one budget whichever instance it reaches.
/// </summary>
public sealed class RateLimitWindows(IOptions<RedisOptions> redis, IServiceProvider services, TimeProvider time, ILogger<RateLimitWindows> logger)
{
    private static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);
    private long lastWarningTicks = long.MinValue;

    public bool Shared => redis.Value.Enabled;

    /// <summary>
    /// A partition for <paramref name="key"/>, which must name the limit as well as the client (the Redis keys of
    /// all limits share one namespace).
    /// </summary>
    public RateLimitPartition<string> Window(string key, RateLimitOptions.Limit limit)
    {
        var local = new FixedWindowRateLimiterOptions { PermitLimit = limit.PermitLimit, Window = limit.Window, QueueLimit = 0 };
        if (!Shared) return RateLimitPartition.GetFixedWindowLimiter(key, _ => local);
        var connection = services.GetRequiredService<RedisConnection>();
        return new RateLimitPartition<string>(key, k => new RedisWindowWithFallback(
            new RedisFixedWindowRateLimiter<string>(redis.Value.KeyPrefix + "rl:" + k, new RedisFixedWindowRateLimiterOptions
            {
                ConnectionMultiplexerFactory = () => connection.Multiplexer, PermitLimit = limit.PermitLimit, Window = limit.Window,
            }),
            new FixedWindowRateLimiter(local), this));
    }

    /// <summary>Logged at most once a minute: during an outage every request would otherwise log it.</summary>
    internal void RedisUnavailable(Exception e)
    {
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref lastWarningTicks);
        if (last != long.MinValue && time.GetElapsedTime(last, now) < WarningInterval) return;
        if (Interlocked.CompareExchange(ref lastWarningTicks, now, last) != last) return;
        logger.LogWarning("Redis did not answer a rate-limit check ({Error}): limits are counted per instance until it is back.", e.GetType().Name);
    }
}

/// <summary>
/// A Redis window that never fails a request because Redis is away: the check then falls back to this instance's own
/// window with the same limit (fail open across instances, still limited on each), and the outage is logged.
/// Redis's limiter answers only asynchronously (its synchronous attempt always refuses, so callers fall through to
/// <see cref="RateLimiter.AcquireAsync"/>, as ASP.NET Core's middleware does).
/// </summary>
internal sealed class RedisWindowWithFallback(RateLimiter redis, FixedWindowRateLimiter local, RateLimitWindows owner) : RateLimiter
{
    public override TimeSpan? IdleDuration => redis.IdleDuration is { } r && local.IdleDuration is { } l ? (r < l ? r : l) : null;

    public override RateLimiterStatistics? GetStatistics() => local.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => redis.AttemptAcquire(permitCount);

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        try
        {
            return new SharedLease(await redis.AcquireAsync(permitCount, cancellationToken));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            owner.RedisUnavailable(e);
            return await local.AcquireAsync(permitCount, cancellationToken);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            redis.Dispose();
            local.Dispose();
        }
        base.Dispose(disposing);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await redis.DisposeAsync();
        await local.DisposeAsync();
    }

    /// <summary>Gives Redis's retry-after (whole seconds, under its own name) as the framework's <see cref="MetadataName.RetryAfter"/>.</summary>
    private sealed class SharedLease(RateLimitLease inner) : RateLimitLease
    {
        public override bool IsAcquired => inner.IsAcquired;

        public override IEnumerable<string> MetadataNames => [.. inner.MetadataNames, MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (metadataName == MetadataName.RetryAfter.Name)
            {
                var known = inner.TryGetMetadata(RateLimitMetadataName.RetryAfter, out var seconds);
                metadata = known ? TimeSpan.FromSeconds(Math.Max(1, seconds)) : null;
                return known;
            }
            return inner.TryGetMetadata(metadataName, out metadata);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
