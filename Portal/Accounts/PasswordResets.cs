using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.Data;
using Portal.Email;

namespace Portal.Accounts;

public enum ResetResult { Changed, InvalidLink, Rejected }

/// <summary>
/// Password reset by e-mail. Asking answers the same whether or not the address has an account, and costs the same
/// database work (one save with an audit row; the e-mail rides in that save when there is an account). The link holds
/// Identity's data-protection token, which dies with the first reset because the reset renews the security stamp;
/// that renewal also signs the account out on every other device.
/// </summary>
public sealed class PasswordResets(UserManager<ApplicationUser> users, IDbContextFactory<PortalDbContext> factory, AccountMail mail,
    IEmailDelivery delivery, AccountThrottle throttle, TimeProvider time, ILogger<PasswordResets> logger)
{
    /// <exception cref="AccountThrottledException">too many requests from this client or for this address</exception>
    public async Task RequestAsync(string email, CancellationToken ct = default)
    {
        await throttle.DemandAsync(AccountAction.PasswordReset, email);
        // Identity's normalizer throws on half a surrogate pair; such an address has no account (the form refuses it too).
        var user = Onboarding.Steps.RuleExtensions.IsPlainText(email) ? await users.FindByEmailAsync(email.Trim()) : null;
        await using var db = factory.CreateDbContext();
        db.AuditEvents.Add(new AuditEvent
        {
            Type = AuditEventTypes.PasswordResetRequested, OccurredAt = time.GetUtcNow(), Actor = "buyer",
            // Never the address itself: the audit log must not become a list of what strangers typed.
            Details = user is null ? "no account" : $"user {user.Id}",
        });
        // Without an account the same token and e-mail are made for a throwaway user and dropped, so both answers cost
        // the same work (measured: `dotnet run -c Release --project bench/Portal.Bench -- accounts`).
        var target = user ?? new ApplicationUser { Email = "nobody@invalid", SecurityStamp = Guid.NewGuid().ToString("N") };
        var token = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync(target)));
        var message = mail.PasswordReset(target, token);
        if (user is not null) db.EmailMessages.Add(message);
        await db.SaveChangesAsync(ct);
        if (user is not null) delivery.Notify();
    }

    /// <summary>Sets the new password if the link is valid; the account's address counts as verified (the link proves it).</summary>
    /// <exception cref="AccountThrottledException">too many tries for this account</exception>
    public async Task<(ResetResult Result, IReadOnlyList<IdentityError> Errors)> ResetAsync(string? userId, string? token, string password)
    {
        await throttle.DemandAsync(AccountAction.PasswordReset, userId);
        var user = userId is { Length: > 0 and <= 100 } ? await users.FindByIdAsync(userId) : null;
        var decoded = Decode(token);
        if (user is null || decoded is null) return (ResetResult.InvalidLink, []);
        if (!Onboarding.Steps.RuleExtensions.IsPlainText(password) || password.Length > RegisterValidator.MaxPassword)
            return (ResetResult.Rejected, [new IdentityError { Code = "InvalidCharacters", Description = "The password contains characters that cannot be used." }]);
        var result = await users.ResetPasswordAsync(user, decoded, password);
        if (!result.Succeeded)
        {
            var invalid = result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.InvalidToken));
            return invalid ? (ResetResult.InvalidLink, []) : (ResetResult.Rejected, result.Errors.ToList());
        }
        await users.ResetAccessFailedCountAsync(user);
        await users.SetLockoutEndDateAsync(user, null);
        if (!user.EmailConfirmed)
        {
            user.EmailConfirmed = true;
            await users.UpdateAsync(user);
        }
        await using var db = factory.CreateDbContext();
        db.AuditEvents.Add(new AuditEvent { Type = AuditEventTypes.PasswordReset, OccurredAt = time.GetUtcNow(), Actor = $"user {user.Id}" });
        await db.SaveChangesAsync();
        logger.LogInformation("Password reset for user {UserId}; every other session is signed out", user.Id);
        return (ResetResult.Changed, []);
    }

    private static string? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 2048) return null;
        try { return Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(token)); }
        catch (FormatException) { return null; }
    }
}
