using System.Globalization;
using Microsoft.Extensions.Options;
using Portal.Branding;
using Portal.Email;

namespace Portal.Accounts;

/// <summary>
/// The account e-mails that keep answers on the page identical whether or not an address has an account: the owner
/// of the address learns what happened, the person at the keyboard does not.
/// </summary>
public sealed class AccountMail(IEmailComposer composer, IOptions<BrandOptions> brand, IOptions<AccountOptions> options, Portal.Operations.PublicUrls urls)
{
    /// <summary>Someone registered with an address that already has an account.</summary>
    public EmailMessage AccountExists(ApplicationUser owner) =>
        Compose(EmailKinds.AccountExists, owner, new() { ["resetLink"] = ForgotLink });

    /// <summary>Wrong passwords just locked the account.</summary>
    public EmailMessage Locked(ApplicationUser owner, TimeSpan lockout) =>
        Compose(EmailKinds.AccountLocked, owner, new()
        {
            ["resetLink"] = ForgotLink, ["minutes"] = ((int)Math.Ceiling(lockout.TotalMinutes)).ToString(CultureInfo.CurrentCulture),
        });

    public EmailMessage PasswordReset(ApplicationUser owner, string token) =>
        Compose(EmailKinds.PasswordReset, owner, new()
        {
            ["link"] = urls.Link($"account/reset?uid={Uri.EscapeDataString(owner.Id)}&token={token}"), ["minutes"] = ((int)options.Value.PasswordResetLifetime.TotalMinutes).ToString(CultureInfo.CurrentCulture),
        });

    private string ForgotLink => urls.Link("account/forgot");

    private EmailMessage Compose(string kind, ApplicationUser owner, Dictionary<string, string> values)
    {
        values["brand"] = brand.Value.Name;
        values["name"] = owner.DisplayName ?? owner.Email!;
        return composer.Compose(kind, owner.Email!, CultureInfo.CurrentUICulture, values);
    }
}
