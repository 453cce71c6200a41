using Portal.Organizations;
using Portal.Organizations.Home;

namespace Microsoft.Extensions.DependencyInjection;

public static class OrganizationsExtensions
{
    public static IHostApplicationBuilder AddOrganizations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<OrganizationDirectory>();
        builder.Services.AddScoped<LinkService>();
        // The buyer's home: its read side, the switcher's state, and the contract grace period.
        builder.Services.AddScoped<OrganizationQueries>();
        builder.Services.AddScoped<CurrentOrganization>();
        builder.Services.AddScoped<WorkspaceCreator>();
        builder.Services.AddScoped<RequestedLinks>();
        builder.Services.AddOptions<BillingOptions>().BindConfiguration(BillingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ContractGrace>();
        builder.Services.AddHostedService<ContractGraceWorker>();
        builder.AddMembers();
        return builder;
    }
}
