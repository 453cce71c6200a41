using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Options;
using Portal.Operations;

namespace Microsoft.Extensions.DependencyInjection;

public static class PublicUrlsExtensions
{
    /// <summary>The Development default when nothing is configured: the first address the server is told to listen on.</summary>
    public const string DevelopmentFallback = "http://localhost:5080/";

    public static IHostApplicationBuilder AddPublicUrls(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var isDevelopment = builder.Environment.IsDevelopment();
        builder.Services.AddOptions<PublicUrlOptions>().BindConfiguration(PublicUrlOptions.SectionName)
            .PostConfigure(o =>
            {
                if (string.IsNullOrWhiteSpace(o.PublicBaseUrl) && isDevelopment) o.PublicBaseUrl = DevelopmentUrl(config["urls"]);
                if (Normalize(o.PublicBaseUrl) is { } normal) o.PublicBaseUrl = normal;
            })
            .Validate(o => !string.IsNullOrWhiteSpace(o.PublicBaseUrl),
                $"{PublicUrlOptions.Key} (environment variable Portal__PublicBaseUrl) is required outside Development: the address people reach " +
                "the portal at, e.g. https://portal.example.com/. E-mail links are built from it.")
            .Validate(o => string.IsNullOrWhiteSpace(o.PublicBaseUrl) || Normalize(o.PublicBaseUrl) is not null,
                $"{PublicUrlOptions.Key} must be an absolute http(s) URL without query or fragment, e.g. https://portal.example.com/.")
            .ValidateOnStart();
        builder.Services.AddSingleton<PublicUrls>();

        // Requests for any other host are refused (400) unless AllowedHosts is configured explicitly. Loopback names
        // stay allowed: the simulator and health probes call the portal on its own address.
        if (string.IsNullOrWhiteSpace(config["AllowedHosts"]))
            builder.Services.AddOptions<HostFilteringOptions>().Configure<IOptions<PublicUrlOptions>>((h, p) =>
            {
                if (Normalize(p.Value.PublicBaseUrl) is not { } url) return;
                h.AllowedHosts = [new Uri(url).IdnHost, "localhost", "127.0.0.1", "[::1]"];
            });
        return builder;
    }

    /// <summary>The URL with a trailing '/', or null when it is not an absolute http(s) URL without query or fragment.</summary>
    public static string? Normalize(string? url)
    {
        if (!Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0) return null;
        var text = uri.GetLeftPart(UriPartial.Path);
        return text.EndsWith('/') ? text : text + "/";
    }

    private static string DevelopmentUrl(string? urls)
    {
        var first = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (first is null) return DevelopmentFallback;
        var text = first.Replace("://+", "://localhost").Replace("://*", "://localhost").Replace("://0.0.0.0", "://localhost").Replace("://[::]", "://localhost");
        return Normalize(text) ?? DevelopmentFallback;
    }
}
