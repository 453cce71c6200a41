using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Admin;

public static class AdminRoles
{
    public const string VendorAdmin = "VendorAdmin";
    internal const string NormalizedVendorAdmin = "VENDORADMIN";
}

public static class AdminPolicies
{
    public const string VendorAdmin = "VendorAdmin";
}

public sealed class VendorAdminRequirement : IAuthorizationRequirement;

/// <summary>
/// The database decides, not the role claim in the cookie: a revoked admin loses the console on the next request,
/// and a newly granted one gets it without signing in again.
/// </summary>
internal sealed class VendorAdminHandler(IDbContextFactory<PortalDbContext> factory) : AuthorizationHandler<VendorAdminRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, VendorAdminRequirement requirement)
    {
        var userId = context.User.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null || context.User.Identity?.IsAuthenticated != true) return;
        await using var db = factory.CreateDbContext();
        if (await IsAdminAsync(db, userId)) context.Succeed(requirement);
    }

    internal static Task<bool> IsAdminAsync(PortalDbContext db, string userId, CancellationToken ct = default) =>
        db.UserRoles.AnyAsync(ur => ur.UserId == userId
            && db.Roles.Any(r => r.Id == ur.RoleId && r.NormalizedName == AdminRoles.NormalizedVendorAdmin), ct);
}

public sealed class AdminAccessDeniedException() : UnauthorizedAccessException("The vendor console is for vendor admins only.");

/// <summary>
/// The check every console service method starts with, so a page that forgot its gate (or a future caller)
/// still cannot read subscriptions without the VendorAdmin policy.
/// </summary>
public sealed class AdminAccess(AuthenticationStateProvider authentication, IAuthorizationService authorization)
{
    public async Task<ClaimsPrincipal> CurrentUserAsync() => (await authentication.GetAuthenticationStateAsync()).User;

    public async Task<bool> IsAdminAsync() =>
        (await authorization.AuthorizeAsync(await CurrentUserAsync(), AdminPolicies.VendorAdmin)).Succeeded;

    /// <summary>Returns the admin's user id, or throws <see cref="AdminAccessDeniedException"/>.</summary>
    public async Task<string> DemandAsync()
    {
        var user = await CurrentUserAsync();
        if (!(await authorization.AuthorizeAsync(user, AdminPolicies.VendorAdmin)).Succeeded) throw new AdminAccessDeniedException();
        return user.FindFirstValue(ClaimTypes.NameIdentifier)!;
    }
}
