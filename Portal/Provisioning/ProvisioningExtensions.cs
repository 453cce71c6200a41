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
        return builder;
    }
}
