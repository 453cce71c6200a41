using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Portal.Branding;
using Portal.Localization;

namespace Portal.Email;

/// <summary>
/// Renders the templates embedded under Email/Templates ({kind}.{culture}.txt and .html; the .txt's first line is
/// "Subject: …"). A culture falls back to its parent, then to English, so adding a culture means adding files.
/// An .html template is the message's content only: _layout.html puts it in the brand's frame (logo, colour).
/// Some values are turned into words of the message's language here, so no caller can leak a raw value:
/// <c>offer</c> (an OfferType name) becomes its localized name, <c>minutes</c> also gives <c>{{duration}}</c>
/// ("15 minutes", "15 分钟", "15 分", "1 hour").
/// </summary>
public sealed partial class EmailComposer(TimeProvider time, IOptions<BrandOptions> brand, IStringLocalizer<SharedResources> l, BrandLogo logo)
    : IEmailComposer
{
    private static readonly ConcurrentDictionary<string, string?> Cache = new();

    public EmailMessage Compose(string kind, string to, CultureInfo culture, IReadOnlyDictionary<string, string> values)
    {
        var (text, used) = Find(kind, culture, "txt") ?? throw new InvalidOperationException($"No e-mail template for {kind}.");
        var html = Find(kind, CultureInfo.GetCultureInfo(used), "html")?.Template;
        var lines = text.Split('\n', 2);
        if (!lines[0].StartsWith("Subject:", StringComparison.Ordinal)) throw new InvalidOperationException($"Template {kind}.{used}.txt lacks its Subject line.");
        var all = WithWords(values, CultureInfo.GetCultureInfo(used));
        var subject = Fill(lines[0]["Subject:".Length..].Trim(), all, v => v.ReplaceLineEndings(" "));
        return new EmailMessage
        {
            To = to, Kind = kind, Culture = used, CreatedAt = time.GetUtcNow(), Status = EmailStatus.Pending,
            Subject = subject,
            TextBody = Fill(lines.Length > 1 ? lines[1].TrimStart('\r', '\n') : "", all, v => v),
            HtmlBody = html is null ? null : Frame(Fill(html, all, WebUtility.HtmlEncode), all, used, subject),
        };
    }

    private Dictionary<string, string> WithWords(IReadOnlyDictionary<string, string> values, CultureInfo culture)
    {
        var all = new Dictionary<string, string>(values) { ["brandColor"] = brand.Value.PrimaryColor };
        all.TryAdd("brand", brand.Value.Name);
        if (values.TryGetValue("offer", out var offer) && Localized($"Offer.{offer}", culture) is { } offerName) all["offer"] = offerName;
        if (values.TryGetValue("minutes", out var m) && int.TryParse(m, NumberStyles.Integer, CultureInfo.InvariantCulture, out var minutes))
            all["duration"] = Duration(minutes, culture);
        return all;
    }

    private string Duration(int minutes, CultureInfo culture)
    {
        var (count, unit) = minutes >= 60 && minutes % 60 == 0 ? (minutes / 60, "Hour") : (minutes, "Minute");
        var key = $"Email.Duration.{unit}{(count == 1 ? "" : "s")}";
        return string.Format(culture, Localized(key, culture) ?? "{0}", count);
    }

    // The localizer reads the current UI culture; a message's language is its own, whoever composes it.
    private string? Localized(string key, CultureInfo culture)
    {
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = culture;
            var s = l[key];
            return s.ResourceNotFound ? null : s.Value;
        }
        finally { CultureInfo.CurrentUICulture = previous; }
    }

    // The content and the logo tag are trusted markup (templates and our own encoding); everything else is encoded.
    private string Frame(string content, Dictionary<string, string> values, string culture, string subject) =>
        Placeholder().Replace(Load("_layout.html") ?? throw new InvalidOperationException("No e-mail layout."), m => m.Groups[1].Value switch
        {
            "content" => content,
            "logo" => logo.ImgTag(),
            "lang" => culture,
            "subject" => WebUtility.HtmlEncode(subject),
            var key => values.TryGetValue(key, out var v) ? WebUtility.HtmlEncode(v) : "",
        });

    private static (string Template, string Culture)? Find(string kind, CultureInfo culture, string extension)
    {
        for (var c = culture; ; c = c.Parent)
        {
            var name = string.IsNullOrEmpty(c.Name) ? "en" : c.Name;
            if (Load($"{kind}.{name}.{extension}") is { } template) return (template, name);
            if (string.IsNullOrEmpty(c.Name)) return null;
        }
    }

    private static string? Load(string file) => Cache.GetOrAdd(file, f =>
    {
        using var stream = typeof(EmailComposer).Assembly.GetManifestResourceStream("Portal.Email.Templates." + f);
        return stream is null ? null : new StreamReader(stream).ReadToEnd();
    });

    // Values are encoded for the target (HTML bodies) and never re-scanned, so a value cannot inject a placeholder.
    private static string Fill(string template, IReadOnlyDictionary<string, string> values, Func<string, string> encode) =>
        Placeholder().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var v) ? encode(v) : "");

    [GeneratedRegex(@"\{\{([a-zA-Z]+)\}\}")]
    private static partial Regex Placeholder();
}
