using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Portal.Accounts;

/// <summary>
/// A live circuit keeps the principal it started with; this re-checks the account's security stamp every
/// Accounts:SessionRevalidation, so "sign out everywhere" and a password reset also end circuits that are open
/// (the cookie side is Identity's SecurityStampValidator on the same interval).
/// </summary>
public sealed class RevalidatingAuthenticationState(ILoggerFactory loggers, IServiceScopeFactory scopes,
    IOptions<IdentityOptions> identity, IOptions<AccountOptions> options) : RevalidatingServerAuthenticationStateProvider(loggers)
{
    // Zero means "every request" for cookies; a circuit has no requests, so it checks at most once a second.
    protected override TimeSpan RevalidationInterval =>
        options.Value.SessionRevalidation < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : options.Value.SessionRevalidation;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct)
    {
        if (state.User.Identity?.IsAuthenticated != true) return true;
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.GetUserAsync(state.User);
        if (user is null) return false;
        var stamp = state.User.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        return stamp == await users.GetSecurityStampAsync(user);
    }
}
