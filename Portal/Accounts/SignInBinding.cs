using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;

namespace Portal.Accounts;

/// <summary>
/// The standalone sign-in page's counterpart of the onboarding cookie: a sealed random id the page writes while
/// prerendering, so the sign-in ticket it issues can be redeemed only by this browser (a ticket copied out of a URL
/// is useless elsewhere).
/// </summary>
public sealed class SignInBinding(IDataProtectionProvider protection, TimeProvider time)
{
    public const string Name = "Portal.SignIn";
    private readonly IDataProtector protector = protection.CreateProtector("Portal.Accounts.SignInBinding.v1");

    /// <summary>Reads the binding, writing a new one when absent and the response has not started (prerendering).</summary>
    public Guid? Ensure(HttpContext ctx)
    {
        if (Read(ctx) is { } existing) return existing;
        if (ctx.Response.HasStarted) return null;
        var id = Guid.NewGuid();
        ctx.Response.Cookies.Append(Name, protector.Protect(id.ToString("N")), new CookieOptions
        {
            HttpOnly = true, Secure = ctx.Request.IsHttps, SameSite = SameSiteMode.Lax, IsEssential = true,
            // Path "/": the live circuit reads it from its hub connection (/_blazor), not from this page's URL.
            Path = "/",
            Expires = time.GetUtcNow().AddHours(1),
        });
        return id;
    }

    public Guid? Read(HttpContext? ctx)
    {
        var value = ctx?.Request.Cookies[Name];
        if (string.IsNullOrEmpty(value) || value.Length > 1024) return null;
        try
        {
            return Guid.TryParseExact(protector.Unprotect(value), "N", out var id) ? id : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Only a path on this site: anything else (absolute, scheme-relative, backslash tricks) becomes <paramref name="fallback"/>.</summary>
    public static string LocalPath(string? returnUrl, string fallback = "/") =>
        returnUrl is { Length: > 0 and < 2048 } r && r[0] == '/' && (r.Length == 1 || (r[1] != '/' && r[1] != '\\')) && !r.Contains("\\")
            ? r : fallback;

    /// <summary>GET /account/signin/complete: redeems the page's ticket for this browser, sets the Identity cookie, goes back.</summary>
    internal static async Task<IResult> CompleteAsync(HttpContext ctx, string? ticket, string? returnUrl, SignInBinding binding,
        AccountService accounts, SignInManager<ApplicationUser> signIn, UserManager<ApplicationUser> users)
    {
        ctx.Response.Headers.CacheControl = "no-store";
        ctx.Response.Headers["Referrer-Policy"] = "no-referrer";
        var target = LocalPath(returnUrl);
        var userId = await accounts.RedeemTicketAsync(ticket ?? "", binding.Read(ctx), ctx.RequestAborted);
        var user = userId is null ? null : await users.FindByIdAsync(userId);
        if (user is null) return Results.LocalRedirect("/account/signin?expired=1&returnUrl=" + Uri.EscapeDataString(target));
        await signIn.SignInAsync(user, isPersistent: false);
        ctx.Response.Cookies.Delete(Name, new CookieOptions { Path = "/" });
        return Results.LocalRedirect(target);
    }
}
