namespace Portal.Admin;

public enum AdminTabScope { Console, Subscription }

/// <summary>
/// A tab another feature adds to the vendor console (metering, webhooks…) without editing the console's pages.
/// <paramref name="Component"/> is rendered in the tab; a <see cref="AdminTabScope.Subscription"/> tab receives a
/// <c>SubscriptionId</c> (Guid) parameter. The title is <paramref name="TitleKey"/> looked up in
/// <paramref name="TitleResource"/>'s resx, so each feature keeps its own strings. The component must call a service
/// that checks <see cref="AdminPolicies.VendorAdmin"/> (see <see cref="AdminAccess"/>) before reading data.
/// </summary>
public sealed record AdminTab(string Id, Type Component, string TitleKey, Type TitleResource, AdminTabScope Scope, int Order = 100);

public static class AdminTabRegistration
{
    /// <summary>Registers a console tab; the console shows it only when some feature has called this.</summary>
    public static IServiceCollection AddAdminTab(this IServiceCollection services, AdminTab tab)
    {
        services.AddSingleton(tab); // one instance per tab: TryAddEnumerable would keep only the first
        return services;
    }
}
