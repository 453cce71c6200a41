using System.ComponentModel.DataAnnotations;

namespace Portal.Accounts;

public sealed class AccountOptions
{
    public const string SectionName = "Accounts";

    /// <summary>The service agreement version a registering buyer accepts; recorded on the user with the time.</summary>
    [Required] public string TermsVersion { get; set; } = "2026-01";
    [Url] public string? TermsUrl { get; set; }
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")] public TimeSpan VerificationLifetime { get; set; } = TimeSpan.FromMinutes(15);
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")] public TimeSpan ResendCooldown { get; set; } = TimeSpan.FromSeconds(60);
    [Range(1, 20)] public int MaxCodeAttempts { get; set; } = 5;
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")] public TimeSpan TicketLifetime { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>How long the link in a password-reset e-mail works (once).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")] public TimeSpan PasswordResetLifetime { get; set; } = TimeSpan.FromHours(1);
    /// <summary>
    /// How often a signed-in cookie or live circuit re-checks the account's security stamp: the longest a device
    /// stays signed in after "sign out everywhere" or a password reset elsewhere.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:30:00")] public TimeSpan SessionRevalidation { get; set; } = TimeSpan.FromMinutes(1);
}
