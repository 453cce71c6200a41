using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Portal.Marketplace.Aws;

/// <summary>
/// Whether AWS last refused the portal's own credentials as expired. Set by the Marketplace clients on every answer,
/// read by /health/ready; the operator is told once at Error when it starts and once when it ends.
/// </summary>
public sealed class AwsCredentialsStatus(TimeProvider time, ILogger<AwsCredentialsStatus> logger)
{
    private readonly Lock gate = new();
    private (DateTimeOffset Since, string Operation)? expired;

    public (DateTimeOffset Since, string Operation)? Expired { get { lock (gate) return expired; } }

    public void Refused(string operation, string message)
    {
        lock (gate)
        {
            if (expired is not null) return;
            expired = (time.GetUtcNow(), operation);
        }
        logger.LogError("AWS refused the portal's own AWS credentials as expired ({Operation}: {Message}). Buyers cannot land and usage " +
                        "is not sent until the credentials are renewed (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, profile or role)",
            operation, message);
    }

    public void Answered()
    {
        lock (gate)
        {
            if (expired is null) return;
            expired = null;
        }
        logger.LogWarning("AWS accepts the portal's credentials again");
    }

    public async Task<T> TrackAsync<T>(string operation, Task<T> call)
    {
        try
        {
            var result = await call;
            Answered();
            return result;
        }
        catch (ExpiredCredentialsException ex)
        {
            Refused(operation, ex.Message);
            throw;
        }
    }
}

/// <summary>/health/ready: Degraded (still 200: every instance shares the credentials, so none is better) while AWS refuses them.</summary>
public sealed class AwsCredentialsHealthCheck(AwsCredentialsStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(status.Expired is { } e
            ? HealthCheckResult.Degraded($"AWS refused the portal's AWS credentials as expired since {e.Since:u} ({e.Operation}); renew them.")
            : HealthCheckResult.Healthy("AWS accepted the portal's credentials (or has not been asked yet)."));
}
