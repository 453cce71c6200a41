using Microsoft.Extensions.Options;

namespace Portal.Operations;

public sealed class PublicUrlOptions
{
    public const string SectionName = "Portal";
    public const string Key = "Portal:PublicBaseUrl";

    /// <summary>
    /// The address buyers and admins reach the portal at (scheme, host, optional port and path), e.g.
    /// https://portal.example.com/. Every link the portal sends out is built from it, never from a request.
    /// </summary>
    public string? PublicBaseUrl { get; set; }
}

/// <summary>
/// Absolute links to the portal for e-mails and anything else that leaves the browser tab. Built only from
/// <c>Portal:PublicBaseUrl</c>: the base URI of a page comes from the client (an interactive circuit reports its own, a
/// request carries its own Host), so a link built from it could carry a reset token to another site.
/// </summary>
public sealed class PublicUrls(IOptions<PublicUrlOptions> options)
{
    /// <summary>The configured base, always ending in '/'.</summary>
    public Uri BaseUrl { get; } = new(options.Value.PublicBaseUrl!, UriKind.Absolute);

    /// <summary>An absolute link to <paramref name="pathAndQuery"/> (e.g. "account/reset?uid=…"), under the base's path.
    /// Concatenated rather than resolved with <see cref="Uri"/>, which would re-escape or unescape the caller's query.</summary>
    public string Link(string pathAndQuery) => BaseUrl.AbsoluteUri + pathAndQuery.TrimStart('/');
}

