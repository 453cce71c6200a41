using System.Globalization;
using MudBlazor;
using Portal.Marketplace.Subscriptions;

namespace Portal.Admin;

/// <summary>How the console shows values: one place, so the grid, the details page and the tests agree.</summary>
public static class AdminFormat
{
    /// <summary>The colour of a status chip: green when the buyer is set up, amber when they are leaving, red on failure.</summary>
    public static Color StatusColor(SubscriptionStatus status) => status switch
    {
        SubscriptionStatus.Active => Color.Success,
        SubscriptionStatus.Pending => Color.Info,
        SubscriptionStatus.PendingCancellation => Color.Warning,
        SubscriptionStatus.Failed => Color.Error,
        _ => Color.Default,
    };

    /// <summary>ISO-like and UTC, said so: the console's readers sit in several time zones and compare with AWS's UTC timestamps.</summary>
    public static string Time(DateTimeOffset? value) =>
        value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "—";

    public static string Percent(double? ratio) => ratio is { } r ? r.ToString("P0", CultureInfo.CurrentCulture) : "—";
}
