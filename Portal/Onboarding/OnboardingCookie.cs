using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Portal.Onboarding;

/// <summary>
/// Binds a browser to its onboarding session. The cookie holds the session id sealed by data protection, so it
/// can be neither guessed nor forged, and it is HttpOnly so page scripts never see it.
/// </summary>
public sealed class OnboardingCookie(IDataProtectionProvider protection, TimeProvider time)
{
    public const string Name = "Portal.Onboarding";
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(14);
    private readonly IDataProtector protector = protection.CreateProtector("Portal.Onboarding.SessionCookie.v1");

    public void Write(HttpContext ctx, Guid sessionId) =>
        ctx.Response.Cookies.Append(Name, protector.Protect(sessionId.ToString("N")), new CookieOptions
        {
            HttpOnly = true,
            Secure = ctx.Request.IsHttps,
            // Lax: the cookie must come along on the top-level navigations AWS and our redirects make.
            SameSite = SameSiteMode.Lax,
            Path = "/",
            IsEssential = true,
            Expires = time.GetUtcNow().Add(Lifetime),
        });

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
            return null; // tampered, or sealed with a key this deployment no longer has
        }
    }
}
