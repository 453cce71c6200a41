using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Microsoft.Extensions.DependencyInjection;

public static class LocalizationExtensions
{
    public static readonly string[] SupportedCultures = ["en", "zh-CN", "ja"];

    public static IHostApplicationBuilder AddPortalLocalization(this IHostApplicationBuilder builder)
    {
        builder.Services.AddLocalization();
        builder.Services.Configure<RequestLocalizationOptions>(o =>
        {
            o.SetDefaultCulture("en").AddSupportedCultures(SupportedCultures).AddSupportedUICultures(SupportedCultures);
            o.FallBackToParentCultures = true;
            o.FallBackToParentUICultures = true;
            // Order: the header's picker (cookie), then the browser's Accept-Language, then English.
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        return builder;
    }

    /// <summary>The language picker posts here; a circuit keeps its culture, so the page reloads afterwards.</summary>
    public static IEndpointRouteBuilder MapCultureEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/culture/set", (HttpContext ctx, string? culture, string? redirectUri) =>
        {
            if (culture is null || !SupportedCultures.Contains(culture, StringComparer.OrdinalIgnoreCase))
                return Results.BadRequest();
            ctx.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(CultureInfo.GetCultureInfo(culture))),
                new CookieOptions { HttpOnly = true, Secure = ctx.Request.IsHttps, SameSite = SameSiteMode.Lax, IsEssential = true,
                    Expires = DateTimeOffset.UtcNow.AddYears(1) });
            // Only local paths: an open redirect here would be a phishing aid.
            var target = redirectUri is { Length: > 0 } r && r.StartsWith('/') && !r.StartsWith("//") && !r.StartsWith("/\\") ? r : "/";
            return Results.LocalRedirect(target);
        }).ExcludeFromDescription();
        return app;
    }
}
