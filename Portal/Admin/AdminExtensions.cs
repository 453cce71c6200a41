using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Portal.Accounts;
using Portal.Admin;
using Portal.Admin.Pages;
using Portal.Localization;

namespace Microsoft.Extensions.DependencyInjection;

public static class AdminExtensions
{
    public const string ConsolePath = "/admin";
    public const string SignInPath = "/account/signin";

    /// <summary>The vendor console: the VendorAdmin role and policy, its services, and where its visitors are sent.</summary>
    public static IHostApplicationBuilder AddAdmin(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName);
        // MudBlazor's own strings (pager, sort menus) in zh-CN and ja; the whole portal uses them, the console most.
        builder.Services.AddMudTranslations();
        builder.Services.AddAuthorizationBuilder().AddPolicy(AdminPolicies.VendorAdmin, p => p
            .RequireAuthenticatedUser().AddRequirements(new VendorAdminRequirement()));
        builder.Services.AddSingleton<IAuthorizationHandler, VendorAdminHandler>();
        builder.Services.AddSingleton<AdminGrants>();
        // Replaces the factory AddRoles registered, so every sign-in first applies Admin:Emails.
        builder.Services.AddScoped<IUserClaimsPrincipalFactory<ApplicationUser>, AdminClaimsPrincipalFactory>();
        builder.Services.AddHostedService<AdminBootstrapper>();
        builder.Services.AddScoped<AdminAccess>();
        builder.Services.AddScoped<AdminQueries>();
        builder.Services.AddScoped<AdminFunnel>();
        builder.Services.AddScoped<AdminUsers>();
        // The outboxes of metering and webhooks, as console tabs (whole console, and per subscription).
        builder.Services.AddScoped<Portal.Admin.Extensions.OutboxQueries>();
        builder.Services.AddAdminTab(new AdminTab("attention", typeof(Portal.Admin.Extensions.AttentionTab), "Tab.Attention", typeof(Portal.Localization.AdminResources), AdminTabScope.Console, 5));
        builder.Services.AddAdminTab(new AdminTab("metering", typeof(Portal.Admin.Extensions.MeteringTab), "Tab.Metering", typeof(Portal.Localization.AdminResources), AdminTabScope.Console, 10));
        builder.Services.AddAdminTab(new AdminTab("webhooks", typeof(Portal.Admin.Extensions.WebhooksTab), "Tab.Webhooks", typeof(Portal.Localization.AdminResources), AdminTabScope.Console, 20));
        builder.Services.AddAdminTab(new AdminTab("sub-metering", typeof(Portal.Admin.Extensions.MeteringTab), "Tab.Metering", typeof(Portal.Localization.AdminResources), AdminTabScope.Subscription, 10));
        builder.Services.AddAdminTab(new AdminTab("sub-webhooks", typeof(Portal.Admin.Extensions.WebhooksTab), "Tab.Webhooks", typeof(Portal.Localization.AdminResources), AdminTabScope.Subscription, 20));
        builder.Services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, RouteConsoleChallenges);
        return builder;
    }

    /// <summary>
    /// The wizard keeps its login path; console requests go to the standalone sign-in page instead, and a signed-in
    /// visitor without the role gets a 403 page in place (no redirect, nothing of the console rendered).
    /// </summary>
    private static void RouteConsoleChallenges(CookieAuthenticationOptions o)
    {
        var login = o.Events.OnRedirectToLogin;
        var denied = o.Events.OnRedirectToAccessDenied;
        o.Events.OnRedirectToLogin = ctx =>
        {
            if (!IsConsole(ctx.Request.Path)) return login(ctx);
            ctx.Response.Redirect($"{ctx.Request.PathBase}{SignInPath}?returnUrl={Uri.EscapeDataString(ctx.Request.Path + ctx.Request.QueryString)}");
            return Task.CompletedTask;
        };
        o.Events.OnRedirectToAccessDenied = ctx => IsConsole(ctx.Request.Path)
            ? new RazorComponentResult<NotAllowedDocument> { StatusCode = StatusCodes.Status403Forbidden }.ExecuteAsync(ctx.HttpContext)
            : denied(ctx);
    }

    private static bool IsConsole(PathString path) => path.StartsWithSegments(ConsolePath);
}
