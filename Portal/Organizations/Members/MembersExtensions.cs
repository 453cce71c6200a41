using Portal.Organizations.Members;

namespace Microsoft.Extensions.DependencyInjection;

public static class MembersExtensions
{
    /// <summary>Members and roles: invitations, role changes, removal, and members' requests to link a subscription.</summary>
    public static IHostApplicationBuilder AddMembers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MembersOptions>().BindConfiguration(MembersOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<InvitationService>();
        builder.Services.AddScoped<MembersService>();
        builder.Services.AddScoped<LinkRequestService>();
        return builder;
    }
}
