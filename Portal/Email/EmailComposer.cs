using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Portal.Email;

/// <summary>
/// Renders the templates embedded under Email/Templates ({kind}.{culture}.txt and .html; the .txt's first line is
/// "Subject: …"). A culture falls back to its parent, then to English, so adding a culture means adding files.
/// </summary>
public sealed partial class EmailComposer(TimeProvider time) : IEmailComposer
{
    private static readonly ConcurrentDictionary<string, string?> Cache = new();

    public EmailMessage Compose(string kind, string to, CultureInfo culture, IReadOnlyDictionary<string, string> values)
    {
        var (text, used) = Find(kind, culture, "txt") ?? throw new InvalidOperationException($"No e-mail template for {kind}.");
        var html = Find(kind, CultureInfo.GetCultureInfo(used), "html")?.Template;
        var lines = text.Split('\n', 2);
        if (!lines[0].StartsWith("Subject:", StringComparison.Ordinal)) throw new InvalidOperationException($"Template {kind}.{used}.txt lacks its Subject line.");
        return new EmailMessage
        {
            To = to, Kind = kind, Culture = used, CreatedAt = time.GetUtcNow(), Status = EmailStatus.Pending,
            Subject = Fill(lines[0]["Subject:".Length..].Trim(), values, v => v.ReplaceLineEndings(" ")),
            TextBody = Fill(lines.Length > 1 ? lines[1].TrimStart('\r', '\n') : "", values, v => v),
            HtmlBody = html is null ? null : Fill(html, values, WebUtility.HtmlEncode),
        };
    }

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
