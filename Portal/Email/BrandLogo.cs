using System.Net;
using Microsoft.Extensions.Options;
using Portal.Branding;

namespace Portal.Email;

/// <summary>
/// The brand's logo for the HTML part of e-mails, read once from the brand assets folder (logo.png if the vendor
/// gives one, as every mail client shows PNG; else logo.svg) and embedded as a data: URL. Embedded, the message
/// needs no request to the portal to show it (the portal may not be reachable from the reader's network, and a
/// remote image is blocked by default in many clients); the outbox row stays self-contained for /dev/mailbox.
/// </summary>
public sealed class BrandLogo(IOptions<BrandOptions> brand, IHostEnvironment environment)
{
    /// <summary>A bigger file would bloat every message; then the header shows the brand's name alone.</summary>
    public const int MaxBytes = 48 * 1024;
    private readonly Lazy<string> tag = new(() => Build(brand.Value, environment.ContentRootPath));

    /// <summary>The &lt;img&gt; of the logo, or "" when there is none (the name beside it says whose mail it is).</summary>
    public string ImgTag() => tag.Value;

    private static string Build(BrandOptions options, string contentRoot)
    {
        var folder = Microsoft.Extensions.DependencyInjection.BrandingExtensions.AssetsFolderCandidates(options, contentRoot).FirstOrDefault(Directory.Exists);
        if (folder is null) return "";
        foreach (var (file, type) in new[] { ("logo.png", "image/png"), ("logo.svg", "image/svg+xml") })
        {
            var path = Path.Combine(folder, file);
            if (!File.Exists(path) || new FileInfo(path).Length is 0 or > MaxBytes) continue;
            var src = $"data:{type};base64,{Convert.ToBase64String(File.ReadAllBytes(path))}";
            return $"<img src=\"{WebUtility.HtmlEncode(src)}\" alt=\"\" width=\"32\" height=\"32\" style=\"border:0;vertical-align:middle;margin-right:10px\">";
        }
        return "";
    }
}
