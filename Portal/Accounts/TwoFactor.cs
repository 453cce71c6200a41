using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Audit;
using Portal.Branding;
using Portal.Data;

namespace Portal.Accounts;

/// <summary>What an authenticator app needs: the shared key, grouped for typing, and the otpauth URI a QR code would carry.</summary>
public sealed record AuthenticatorSetup(string FormattedKey, string Uri);

public enum TwoFactorCheck { Passed, Wrong, LockedOut }

/// <summary>
/// Identity's authenticator-app second factor (TOTP, RFC 6238) with single-use recovery codes. The key and the switch
/// are written through Identity's stores rather than UserManager's setters: those renew the security stamp, which would
/// sign the enrolling browser itself out within a minute (a circuit cannot write the refreshed cookie).
/// </summary>
public sealed class TwoFactor(UserManager<ApplicationUser> users, IUserStore<ApplicationUser> store, IDbContextFactory<PortalDbContext> factory,
    AccountThrottle throttle, IOptions<BrandOptions> brand, TimeProvider time)
{
    public const int RecoveryCodeCount = 10;
    /// <summary>Where Identity's EF store keeps the authenticator key and recovery codes (AspNetUserTokens).</summary>
    private const string IdentityStoreProvider = "[AspNetUserStore]";

    private IUserAuthenticatorKeyStore<ApplicationUser> Keys => (IUserAuthenticatorKeyStore<ApplicationUser>)store;

    /// <summary>The key to enroll with (made on first ask, kept until enrolment succeeds or 2FA is turned off).</summary>
    public async Task<AuthenticatorSetup> SetupAsync(ApplicationUser user)
    {
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await Keys.SetAuthenticatorKeyAsync(user, users.GenerateNewAuthenticatorKey(), CancellationToken.None);
            await users.UpdateAsync(user);
            key = (await users.GetAuthenticatorKeyAsync(user))!;
        }
        var issuer = Uri.EscapeDataString(brand.Value.Name);
        var uri = $"otpauth://totp/{issuer}:{Uri.EscapeDataString(user.Email ?? user.UserName ?? user.Id)}?secret={key}&issuer={issuer}&digits=6";
        return new(Format(key), uri);
    }

    /// <summary>Turns 2FA on when <paramref name="code"/> comes from the app; returns the recovery codes (shown once), or null.</summary>
    /// <exception cref="AccountThrottledException">too many tries</exception>
    public async Task<IReadOnlyList<string>?> EnableAsync(ApplicationUser user, string code)
    {
        await throttle.DemandAsync(AccountAction.TwoFactor, user.Id);
        if (!await VerifyAppCodeAsync(user, code)) return null;
        await ((IUserTwoFactorStore<ApplicationUser>)store).SetTwoFactorEnabledAsync(user, true, CancellationToken.None);
        await users.UpdateAsync(user);
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))!.ToList();
        await AuditAsync("account.2fa.enabled", user);
        return codes;
    }

    /// <summary>Turns 2FA off after a current app code or a recovery code; the key is dropped, so enrolling again starts fresh.</summary>
    /// <exception cref="AccountThrottledException">too many tries</exception>
    public async Task<bool> DisableAsync(ApplicationUser user, string code)
    {
        if (await CheckAsync(user, code) != TwoFactorCheck.Passed) return false;
        await ((IUserTwoFactorStore<ApplicationUser>)store).SetTwoFactorEnabledAsync(user, false, CancellationToken.None);
        await users.UpdateAsync(user);
        await users.RemoveAuthenticationTokenAsync(user, IdentityStoreProvider, "AuthenticatorKey");
        await users.RemoveAuthenticationTokenAsync(user, IdentityStoreProvider, "RecoveryCodes");
        await AuditAsync("account.2fa.disabled", user);
        return true;
    }

    public Task<int> RecoveryCodesLeftAsync(ApplicationUser user) => users.CountRecoveryCodesAsync(user);

    /// <summary>
    /// The second step of a sign-in: a 6-digit code from the app, or one recovery code (which then stops working).
    /// Wrong codes count toward Identity's lockout like wrong passwords.
    /// </summary>
    /// <exception cref="AccountThrottledException">too many tries from this client or for this account</exception>
    public async Task<TwoFactorCheck> CheckAsync(ApplicationUser user, string? code)
    {
        await throttle.DemandAsync(AccountAction.TwoFactor, user.Id);
        if (await users.IsLockedOutAsync(user)) return TwoFactorCheck.LockedOut;
        var given = (code ?? "").Trim();
        var passed = IsAppCode(given) ? await VerifyAppCodeAsync(user, given)
            : given.Length is > 0 and <= 32 && Onboarding.Steps.RuleExtensions.IsPlainText(given)
              && (await users.RedeemTwoFactorRecoveryCodeAsync(user, given.ToUpperInvariant())).Succeeded;
        if (passed)
        {
            await users.ResetAccessFailedCountAsync(user);
            return TwoFactorCheck.Passed;
        }
        await users.AccessFailedAsync(user);
        return await users.IsLockedOutAsync(user) ? TwoFactorCheck.LockedOut : TwoFactorCheck.Wrong;
    }

    private async Task<bool> VerifyAppCodeAsync(ApplicationUser user, string code)
    {
        var digits = code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return IsAppCode(digits) && await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, digits);
    }

    private static bool IsAppCode(string code)
    {
        var digits = code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return digits.Length == 6 && digits.All(char.IsAsciiDigit);
    }

    /// <summary>Groups of four, lower case: what people can read out and type.</summary>
    public static string Format(string key)
    {
        var text = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4) text.Append(key.AsSpan(i, Math.Min(4, key.Length - i))).Append(' ');
        return text.ToString().TrimEnd().ToLowerInvariant();
    }

    private async Task AuditAsync(string type, ApplicationUser user)
    {
        await using var db = factory.CreateDbContext();
        db.AuditEvents.Add(new AuditEvent { Type = type, OccurredAt = time.GetUtcNow(), Actor = $"user {user.Id}" });
        await db.SaveChangesAsync();
    }
}
