using System.Security.Cryptography;

namespace Portal.Operations;

/// <summary>
/// Response headers for every page and endpoint. The Content-Security-Policy works with Blazor Server and MudBlazor
/// without 'unsafe-eval': scripts only from this origin, plus the one inline script the framework writes (the
/// import map of <c>&lt;ImportMap /&gt;</c>), which carries a fresh nonce on every response. Inline styles stay
/// allowed because MudBlazor's theme provider writes a &lt;style&gt; block and components set style attributes at
/// run time (an XSS cannot run script through them). frame-ancestors 'none' (and X-Frame-Options for old browsers)
/// forbids framing: clickjacking.
/// </summary>
public static class SecurityHeaders
{
    private const string NonceKey = "portal.csp-nonce";

    /// <summary>The policy for a response whose inline scripts carry <paramref name="nonce"/>.</summary>
    public static string ContentSecurityPolicy(string nonce) =>
        "default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; " +
        $"script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'";

    /// <summary>This request's script nonce (made once per request, 128 random bits).</summary>
    public static string Nonce(this HttpContext ctx)
    {
        if (ctx.Items[NonceKey] is string nonce) return nonce;
        nonce = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        ctx.Items[NonceKey] = nonce;
        return nonce;
    }

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (ctx, next) =>
    {
        ctx.Response.OnStarting(() =>
        {
            var h = ctx.Response.Headers;
            var csp = ContentSecurityPolicy(ctx.Nonce());
            h.ContentSecurityPolicy = ctx.Request.IsHttps ? csp + "; upgrade-insecure-requests" : csp;
            h.XContentTypeOptions = "nosniff";
            h.XFrameOptions = "DENY";
            // The landing sets no-referrer itself (its GET form has the token in the URL); the rest keep the origin only.
            if (!h.ContainsKey("Referrer-Policy")) h["Referrer-Policy"] = "strict-origin-when-cross-origin";
            h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            h["Cross-Origin-Opener-Policy"] = "same-origin";
            return Task.CompletedTask;
        });
        await next();
    });
}
