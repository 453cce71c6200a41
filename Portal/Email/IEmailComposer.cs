using System.Globalization;

namespace Portal.Email;

public static class EmailKinds
{
    /// <summary>Values: brand, name, code (6 digits), link (absolute URL), minutes (validity).</summary>
    public const string VerifyEmail = "verify-email";
    /// <summary>Values: brand, name, organization, product, offer (an OfferType name: the composer localizes it), account (masked), billingUrl, workspaceUrl.</summary>
    public const string SubscriptionLinked = "subscription-linked";
    /// <summary>To the owner when someone registers with their address. Values: brand, name, resetLink.</summary>
    public const string AccountExists = "account-exists";
    /// <summary>Values: brand, name, link (absolute URL, single use), minutes (validity).</summary>
    public const string PasswordReset = "password-reset";
    /// <summary>When wrong passwords lock an account. Values: brand, name, minutes, resetLink.</summary>
    public const string AccountLocked = "account-locked";
}

/// <summary>
/// Turns a kind of message, a culture and its values into an outbox row. The caller adds the row to its own
/// DbContext and saves it with the change that caused it; delivery happens afterwards (see IEmailDelivery).
/// </summary>
public interface IEmailComposer
{
    EmailMessage Compose(string kind, string to, CultureInfo culture, IReadOnlyDictionary<string, string> values);
}

/// <summary>Wakes the delivery worker after an outbox row was saved, so mail goes out now rather than at the next poll.</summary>
public interface IEmailDelivery
{
    void Notify();
}
