using MudBlazor;
using Portal.Marketplace.Subscriptions;

namespace Portal.Organizations.Home;

/// <summary>The colour of a billing state, the same on the chip, the banner and the lists.</summary>
public static class BillingTone
{
    public static Color Of(SubscriptionStatus? status, GraceState? grace) => grace?.Kind switch
    {
        GraceKind.Lapsed => Color.Error,
        GraceKind.InGrace => Color.Warning,
        _ => status switch
        {
            null => Color.Default,
            SubscriptionStatus.Active => Color.Success,
            SubscriptionStatus.Pending => Color.Info,
            SubscriptionStatus.PendingCancellation => Color.Warning,
            _ => Color.Error,
        },
    };

    public static Severity SeverityOf(SubscriptionStatus? status, GraceState? grace) => Of(status, grace) switch
    {
        Color.Success => Severity.Success,
        Color.Warning => Severity.Warning,
        Color.Error => Severity.Error,
        _ => Severity.Info,
    };
}
