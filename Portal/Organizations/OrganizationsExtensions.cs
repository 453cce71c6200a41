using Portal.Organizations;

namespace Microsoft.Extensions.DependencyInjection;

public static class OrganizationsExtensions
{
    public static IHostApplicationBuilder AddOrganizations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<OrganizationDirectory>();
        builder.Services.AddScoped<LinkService>();
        builder.AddMembers();
        return builder;
    }
}
