using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Portal.Operations;

/// <summary>
/// An optional Redis shared by every instance: with <see cref="Configuration"/> set, the data-protection key ring and
/// every rate limit live there, so limits hold across instances instead of per instance.
/// </summary>
public sealed class RedisOptions : IValidatableObject
{
    public const string SectionName = "Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>redis:6379,password=…,ssl=true</c>; empty means no Redis.</summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// Part of every key the portal writes (<c>{prefix}DataProtection-Keys</c>, <c>rl:fw:{{prefix}rl:…}</c>), so one
    /// Redis can serve several deployments.
    /// </summary>
    [Required, RegularExpression(@"^[A-Za-z0-9._:\-]{1,64}$", ErrorMessage = "Redis:KeyPrefix may hold letters, digits, '.', '_', ':' and '-' (at most 64).")]
    public string KeyPrefix { get; set; } = "onboarding-portal:";

    public bool Enabled => !string.IsNullOrWhiteSpace(Configuration);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled) yield break;
        string? error = null;
        try
        {
            if (ConfigurationOptions.Parse(Configuration!).EndPoints.Count == 0) error = "names no endpoint (host:port)";
        }
        catch (Exception e) when (e is ArgumentException or RedisConnectionException)
        {
            error = e.Message; // StackExchange.Redis names the bad option, never the password's value
        }
        if (error is not null)
            yield return new ValidationResult($"Redis:Configuration (Redis__Configuration) is not a usable StackExchange.Redis configuration string: {error}",
                [nameof(Configuration)]);
    }
}

/// <summary>
/// The one connection to Redis, opened on first use. It does not abort when Redis is down at start-up: it keeps
/// reconnecting in the background, and the rate limits fall back to per-instance ones meanwhile.
/// </summary>
public sealed class RedisConnection(string configuration) : IDisposable
{
    private readonly Lazy<ConnectionMultiplexer> multiplexer = new(() =>
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        // While disconnected, fail a command at once (the caller falls back) instead of queueing it until a timeout:
        // a rate-limit check must not hold a page for seconds during an outage.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ClientName ??= "onboarding-portal";
        return ConnectionMultiplexer.Connect(options);
    });

    public IConnectionMultiplexer Multiplexer => multiplexer.Value;

    public IDatabase Database() => multiplexer.Value.GetDatabase();

    public void Dispose()
    {
        if (multiplexer.IsValueCreated) multiplexer.Value.Dispose();
    }
}

public static class RedisExtensions
{
    /// <summary>
    /// Options (validated at start-up) and, when configured, the connection. Returns the connection so the key ring,
    /// configured before the container exists, uses the same one.
    /// </summary>
    public static RedisConnection? AddPortalRedis(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(RedisOptions.SectionName).Get<RedisOptions>() ?? new();
        if (!options.Enabled) return null;
        var connection = new RedisConnection(options.Configuration!);
        builder.Services.AddSingleton(_ => connection); // made by a factory, so the container disposes it
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        return connection;
    }
}

/// <summary>
/// Degraded, not Unhealthy, when Redis does not answer: the pages keep working (rate limits fall back to per-instance
/// windows and the key ring already loaded stays in memory), so a load balancer should not drop every instance at once.
/// </summary>
public sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var latency = await redis.Database().PingAsync().WaitAsync(Timeout, ct);
            return HealthCheckResult.Healthy("Reachable.", new Dictionary<string, object> { ["pingMs"] = Math.Round(latency.TotalMilliseconds, 1) });
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Degraded(
                $"Redis does not answer ({ex.GetType().Name}): rate limits are per instance until it is back; new data-protection keys cannot be stored.");
        }
    }
}
