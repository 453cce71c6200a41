using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Accounts;
using Portal.Data;

namespace Microsoft.Extensions.DependencyInjection;

public static class AdminTwoFactorExtensions
{
    public const string EnrollPath = "/account/security?required=admin";

    /// <summary>
    /// Between authentication and authorization: a vendor admin without a second factor who opens the console is
    /// sent to enroll (the policy alone would answer 403, which tells them nothing).
    /// </summary>
    public static WebApplication UseAdminTwoFactor(this WebApplication app)
    {
        app.Use(async (ctx, next) =>
        {
            if (ctx.Request.Path.StartsWithSegments(AdminExtensions.ConsolePath)
                && ctx.RequestServices.GetRequiredService<IOptionsMonitor<AdminTwoFactorOptions>>().CurrentValue.RequireTwoFactor
                && ctx.User.Identity?.IsAuthenticated == true && ctx.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId
                && await AdminTwoFactorHandler.MustEnrollAsync(ctx.RequestServices.GetRequiredService<IDbContextFactory<PortalDbContext>>(), userId))
            {
                ctx.Response.Redirect($"{ctx.Request.PathBase}{EnrollPath}");
                return;
            }
            await next();
        });
        return app;
    }
}
