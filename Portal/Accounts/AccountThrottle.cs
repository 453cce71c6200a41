using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Portal.Operations;

namespace Portal.Accounts;

public enum AccountAction { SignIn, Register, VerifyCode, ResendCode, PasswordReset, TwoFactor }

/// <summary>Refused by <see cref="AccountThrottle"/>; the page shows a localized "try again in N seconds".</summary>
public sealed class AccountThrottledException(TimeSpan retryAfter) : Exception("Too many account attempts.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
    public int Seconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}

/// <summary>
/// ASP.NET Core's rate limiters for the account actions, which run inside an interactive circuit and so never pass
/// the HTTP rate-limiting middleware: one partition per client IP (the circuit's connection, after forwarded headers)
/// and one per targeted account, so neither one address hammering many accounts nor many addresses hammering one
/// account gets far. The per-account key is a hash of the normalized e-mail or user id, whether or not the account
/// exists, so the limit itself reveals nothing. Identity's lockout, stored in the database, backs this up across
/// instances for passwords.
/// </summary>
public sealed class AccountThrottle : IDisposable
{
    private readonly RateLimitOptions options;
    private readonly IHttpContextAccessor accessor;
    private readonly PartitionedRateLimiter<string> perClient, perAccount;

    public AccountThrottle(IOptions<RateLimitOptions> options, IHttpContextAccessor accessor)
    {
        this.options = options.Value;
        this.accessor = accessor;
        perClient = Create(this.options.AccountsPerClient);
        perAccount = Create(this.options.AccountsPerAccount);
    }

    /// <summary>Takes one attempt for <paramref name="action"/>, or throws <see cref="AccountThrottledException"/>.</summary>
    public void Demand(AccountAction action, string? account)
    {
        if (!options.Enabled) return;
        var ip = accessor.HttpContext?.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        Take(perClient, $"{action}:{ip}", action);
        if (!string.IsNullOrWhiteSpace(account)) Take(perAccount, $"{action}:{Key(account)}", action);
    }

    private static void Take(PartitionedRateLimiter<string> limiter, string key, AccountAction action)
    {
        using var lease = limiter.AttemptAcquire(key);
        if (lease.IsAcquired) return;
        PortalMetrics.RateLimited("account:" + action);
        throw new AccountThrottledException(lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1));
    }

    private static string Key(string account) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(account.Trim().ToUpperInvariant())))[..32];

    private static PartitionedRateLimiter<string> Create(RateLimitOptions.Limit limit) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit.PermitLimit, Window = limit.Window, QueueLimit = 0,
        }));

    public void Dispose()
    {
        perClient.Dispose();
        perAccount.Dispose();
    }
}
