using System.Globalization;
using Radzen;
using Portal.Marketplace.Subscriptions;

namespace Portal.Admin;

/// <summary>How the console shows values: one place, so the grid, the details page and the tests agree.</summary>
public static class AdminFormat
{
    public static BadgeStyle Badge(SubscriptionStatus status) => status switch
    {
        SubscriptionStatus.Active => BadgeStyle.Success,
        SubscriptionStatus.Pending => BadgeStyle.Info,
        SubscriptionStatus.PendingCancellation => BadgeStyle.Warning,
        SubscriptionStatus.Failed => BadgeStyle.Danger,
        _ => BadgeStyle.Light,
    };

    /// <summary>ISO-like and UTC, said so: the console's readers sit in several time zones and compare with AWS's UTC timestamps.</summary>
    public static string Time(DateTimeOffset? value) =>
        value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "—";

    public static string Percent(double? ratio) => ratio is { } r ? r.ToString("P0", CultureInfo.CurrentCulture) : "—";
}
