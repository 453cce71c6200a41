using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Admin;
using Portal.Data;

namespace Portal.Accounts;

public sealed class AdminTwoFactorOptions
{
    public const string SectionName = "Admin";

    /// <summary>Vendor admins must use the authenticator-app second factor before the console opens.</summary>
    public bool RequireTwoFactor { get; set; }
}

/// <summary>
/// With Admin:RequireTwoFactor, the VendorAdmin policy fails for an admin without a second factor, wherever it is
/// asked (the console's requests and every console query in a circuit), read from the database like the role itself.
/// </summary>
internal sealed class AdminTwoFactorHandler(IOptionsMonitor<AdminTwoFactorOptions> options, IDbContextFactory<PortalDbContext> factory) : IAuthorizationHandler
{
    public async Task HandleAsync(AuthorizationHandlerContext context)
    {
        if (!options.CurrentValue.RequireTwoFactor || !context.Requirements.OfType<VendorAdminRequirement>().Any()) return;
        var userId = context.User.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null) return;
        await using var db = factory.CreateDbContext();
        if (!await db.Users.AnyAsync(u => u.Id == userId && u.TwoFactorEnabled)) context.Fail();
    }

    /// <summary>A vendor admin (in the database) who has not enrolled a second factor yet.</summary>
    internal static async Task<bool> MustEnrollAsync(IDbContextFactory<PortalDbContext> factory, string userId)
    {
        await using var db = factory.CreateDbContext();
        return await db.Users.AnyAsync(u => u.Id == userId && !u.TwoFactorEnabled) && await VendorAdminHandler.IsAdminAsync(db, userId);
    }
}
