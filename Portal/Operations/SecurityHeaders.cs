namespace Portal.Operations;

/// <summary>
/// Response headers for every page and endpoint. The Content-Security-Policy works with Blazor Server and Radzen
/// without 'unsafe-eval' or inline scripts: scripts only from this origin, the circuit's WebSocket to this origin.
/// Inline styles stay allowed because Blazor and Radzen set style attributes at run time (an XSS cannot run script
/// through them). frame-ancestors 'none' (and X-Frame-Options for old browsers) forbids framing: clickjacking.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; " +
        "script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (ctx, next) =>
    {
        ctx.Response.OnStarting(() =>
        {
            var h = ctx.Response.Headers;
            h.ContentSecurityPolicy = ctx.Request.IsHttps ? ContentSecurityPolicy + "; upgrade-insecure-requests" : ContentSecurityPolicy;
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
