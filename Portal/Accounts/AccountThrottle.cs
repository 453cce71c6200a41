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
/// exists, so the limit itself reveals nothing. With Redis configured the windows are shared by every instance
/// (<see cref="RateLimitWindows"/>); without it each instance counts alone, and Identity's lockout, stored in the
/// database, backs this up across instances for passwords.
/// </summary>
public sealed class AccountThrottle : IDisposable
{
    private readonly RateLimitOptions options;
    private readonly IHttpContextAccessor accessor;
    private readonly PartitionedRateLimiter<string> perClient, perAccount;
    private readonly PortalMetrics metrics;

    public AccountThrottle(IOptions<RateLimitOptions> options, IHttpContextAccessor accessor, RateLimitWindows windows, PortalMetrics metrics)
    {
        this.options = options.Value;
        this.accessor = accessor;
        this.metrics = metrics;
        perClient = Create(windows, "account-ip:", this.options.AccountsPerClient);
        perAccount = Create(windows, "account:", this.options.AccountsPerAccount);
    }

    /// <summary>Takes one attempt for <paramref name="action"/>, or throws <see cref="AccountThrottledException"/>.</summary>
    public async Task DemandAsync(AccountAction action, string? account)
    {
        if (!options.Enabled) return;
        var ip = accessor.HttpContext?.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        await TakeAsync(perClient, $"{action}:{ip}", action);
        if (!string.IsNullOrWhiteSpace(account)) await TakeAsync(perAccount, $"{action}:{Key(account)}", action);
    }

    private async Task TakeAsync(PartitionedRateLimiter<string> limiter, string key, AccountAction action)
    {
        using var lease = await limiter.AcquireAsync(key);
        if (lease.IsAcquired) return;
        metrics.RateLimited("account:" + action);
        throw new AccountThrottledException(lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1));
    }

    private static string Key(string account) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(account.Trim().ToUpperInvariant())))[..32];

    private static PartitionedRateLimiter<string> Create(RateLimitWindows windows, string prefix, RateLimitOptions.Limit limit) =>
        PartitionedRateLimiter.Create<string, string>(key => windows.Window(prefix + key, limit));

    public void Dispose()
    {
        perClient.Dispose();
        perAccount.Dispose();
    }
}
