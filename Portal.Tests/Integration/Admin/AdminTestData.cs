using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;
using Portal.Admin;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Admin;

/// <summary>The moves the console's tests share: real users through Identity, a signed-in browser, a scope acting as a user.</summary>
public static class AdminTestData
{
    public const string Password = "Str0ng!Passw0rd";

    public static async Task<ApplicationUser> CreateUserAsync(PortalAppFactory app, string email, bool verified = true)
    {
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = verified, DisplayName = "Test " + email, CreatedAt = DateTimeOffset.UtcNow };
        var created = await users.CreateAsync(user, Password);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        return user;
    }

    /// <summary>A scope whose authentication state is <paramref name="userId"/>, as a circuit of that user would have.</summary>
    public static AsyncServiceScope ScopeAs(PortalAppFactory app, string? userId)
    {
        var scope = app.Services.CreateAsyncScope();
        var identity = userId is null ? new ClaimsIdentity() : new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId)], "test");
        ((IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(identity))));
        return scope;
    }

    /// <summary>
    /// Signs a browser in the way /account/signin does: the page's prerender sets the binding cookie, the ticket is
    /// issued for that binding, and /account/signin/complete sets the Identity cookie. Returns the redirect target.
    /// </summary>
    public static async Task<string?> SignInAsync(PortalAppFactory app, HttpClient browser, CookieContainer cookies, string email,
        string returnUrl = "/admin")
    {
        var page = await browser.GetAsync("/account/signin?returnUrl=" + Uri.EscapeDataString(returnUrl));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var binding = cookies.GetCookies(app.BaseAddress)[SignInBinding.Name]?.Value;
        Assert.False(string.IsNullOrEmpty(binding), "the sign-in page sets its binding cookie while prerendering");
        var http = new DefaultHttpContext();
        http.Request.Headers.Cookie = $"{SignInBinding.Name}={binding}";
        var bound = app.Services.GetRequiredService<SignInBinding>().Read(http);

        using var scope = app.Services.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
        var (result, user) = await accounts.CheckPasswordAsync(email, Password);
        Assert.True(result.Succeeded);
        var ticket = await accounts.IssueTicketAsync(user!.Id, bound!.Value);
        var done = await browser.GetAsync($"/account/signin/complete?ticket={Uri.EscapeDataString(ticket)}&returnUrl={Uri.EscapeDataString(returnUrl)}");
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        return done.Headers.Location?.OriginalString;
    }

    public static async Task<bool> IsAdminAsync(PortalAppFactory app, string userId)
    {
        await using var db = app.CreateDbContext();
        return await VendorAdminHandler.IsAdminAsync(db, userId);
    }
}
