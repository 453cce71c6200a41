using Portal.Admin;
using Portal.Provisioning;

namespace Microsoft.Extensions.DependencyInjection;

public static class ProvisioningExtensions
{
    /// <summary>The provisioning API's services, the console's vendor-key and organization tabs, and the Development seed.</summary>
    public static IHostApplicationBuilder AddProvisioning(this IHostApplicationBuilder builder)
    {
        builder.Services.AddPortalValidators();
        builder.Services.AddSingleton<VendorApiKeyService>();
        builder.Services.AddScoped<ProvisioningService>();
        builder.Services.AddScoped<Portal.Admin.Provisioning.VendorConsole>();
        builder.Services.AddScoped<Portal.Admin.Provisioning.ConsoleOrganizations>();
        builder.Services.AddAdminTab(new AdminTab("organizations", typeof(Portal.Admin.Provisioning.OrganizationsTab), "Tab.Organizations", typeof(Portal.Localization.AdminResources), AdminTabScope.Console, 30));
        builder.Services.AddAdminTab(new AdminTab("vendor-keys", typeof(Portal.Admin.Provisioning.VendorKeysTab), "Tab.VendorKeys", typeof(Portal.Localization.AdminResources), AdminTabScope.Console, 40));
        // Development's existing customers (README): only with DevTools on, and by default only in Development, so
        // test hosts and deployments start empty. DevTools:SeedCustomers turns it on or off explicitly.
        var devTools = builder.Configuration.GetValue<bool?>("DevTools:Enabled") ?? builder.Environment.IsDevelopment();
        var seed = builder.Configuration.GetValue<bool?>("DevTools:SeedCustomers") ?? builder.Environment.IsDevelopment();
        if (devTools && seed) builder.Services.AddHostedService<DevSeed>();
        return builder;
    }
}
