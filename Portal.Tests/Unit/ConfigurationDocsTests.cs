using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Unit;

/// <summary>
/// docs/configuration.md is the operator's whole configuration reference, so it must not drift from the code: every
/// key an options class can bind is documented (with its default), every key read from configuration directly is
/// documented, and every documented key exists. A failure lists the keys as table rows, ready to paste.
/// </summary>
public sealed partial class ConfigurationDocsTests
{
    private static readonly string DocPath = RepoPaths.Combine("docs", "configuration.md");

    /// <summary>Keys the portal reads without an options class (constants or framework sections), each with the text in Portal/ that reads it.</summary>
    private static readonly (string Key, string Evidence)[] DirectKeys =
    [
        ("ConnectionStrings:Portal", "GetConnectionString(\"Portal\")"),
        ("AllowedHosts", "config[\"AllowedHosts\"]"),
        ("urls", "config[\"urls\"]"),
        ("DataProtection:KeysPath", "\"DataProtection:KeysPath\""),
        ("DataProtection:CertificatePath", "\"DataProtection:CertificatePath\""),
        ("DataProtection:CertificatePassword", "\"DataProtection:CertificatePassword\""),
        ("ForwardedHeaders:KnownProxies:N", "GetSection(\"ForwardedHeaders:KnownProxies\")"),
        ("ForwardedHeaders:KnownNetworks:N", "GetSection(\"ForwardedHeaders:KnownNetworks\")"),
        ("DevTools:SeedCustomers", "\"DevTools:SeedCustomers\""),
        ("OTEL_SERVICE_NAME", "Configuration[\"OTEL_SERVICE_NAME\"]"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "\"OTEL_EXPORTER_OTLP_ENDPOINT\""),
    ];

    /// <summary>Keys of ASP.NET Core, its logging and the AWS SDK that the reference names for the operator; not the portal's to check.</summary>
    private static readonly string[] FrameworkKeys =
    [
        "ASPNETCORE_ENVIRONMENT", "Logging:LogLevel:<key>", "Logging:Console:FormatterName",
        "Logging:Console:FormatterOptions:IncludeScopes", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
    ];

    [Fact]
    public void EveryBindableOptionsKey_IsDocumented_WithItsDefault()
    {
        var documented = DocumentedRows();
        var missing = new List<BindableKey>();
        var wrongDefault = new List<string>();
        foreach (var key in BindableKeys())
        {
            if (!documented.TryGetValue(key.Path, out var row)) { missing.Add(key); continue; }
            if (key.Default is { } d && !ShowsDefault(row, d))
                wrongDefault.Add($"{key.Path}: the default column does not show the code's default `{d}`: {row}");
        }
        var message = new System.Text.StringBuilder();
        if (missing.Count > 0)
            message.Append($"{missing.Count} configuration key(s) missing from docs/configuration.md; add these rows ")
                .Append("(type and default from the code; write what the key means):\n").AppendJoin('\n', missing.Select(k => k.Row)).Append('\n');
        if (wrongDefault.Count > 0)
            message.Append("docs/configuration.md shows another default than the code:\n").AppendJoin('\n', wrongDefault);
        Assert.True(message.Length == 0, message.ToString());
    }

    /// <summary>The third column (key | type | default | meaning) holds the default as a code span; time spans compare by value.</summary>
    private static bool ShowsDefault(string row, string value)
    {
        var cells = row.Trim().Trim('|').Split('|');
        if (cells.Length < 4) return false;
        return CodeSpan().Matches(cells[2]).Any(m => m.Groups[1].Value == value
            || (TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var expected)
                && TimeSpan.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var shown) && shown == expected));
    }

    [Fact]
    public void EveryDocumentedKey_Exists()
    {
        var known = BindableKeys().Select(k => k.Path).Concat(DirectKeys.Select(k => Normalize(k.Key))).Concat(FrameworkKeys.Select(Normalize)).ToHashSet();
        var stale = DocumentedRows().Keys.Where(k => !known.Contains(k)).Order().ToList();
        Assert.True(stale.Count == 0, $"docs/configuration.md documents {stale.Count} key(s) the portal does not have (renamed or removed?): "
            + string.Join(", ", stale) + ". A key read without an options class belongs in ConfigurationDocsTests.DirectKeys.");
    }

    [Fact]
    public void KeysReadDirectly_AreStillReadAndDocumented()
    {
        var source = string.Join("\n", PortalSources().Select(File.ReadAllText));
        var gone = DirectKeys.Where(k => !source.Contains(k.Evidence, StringComparison.Ordinal)).Select(k => $"{k.Key} ({k.Evidence})").ToList();
        Assert.True(gone.Count == 0, "Portal/ no longer reads these keys: " + string.Join(", ", gone) + "; remove them from the doc and DirectKeys.");

        // A new Configuration["X:Y"], GetValue<T>("X:Y"), GetSection("X:Y") or GetConnectionString("X") in the code needs a row.
        var documented = DocumentedRows().Keys.ToList();
        var read = DirectReads().Matches(source).Select(m => m.Groups["cs"].Success ? "ConnectionStrings:" + m.Groups["cs"].Value : m.Groups["key"].Value)
            .Distinct().Order().ToList();
        Assert.NotEmpty(read);
        var undocumented = read.Where(k => !documented.Any(d => d == k || d.StartsWith(k + ":", StringComparison.Ordinal))).ToList();
        Assert.True(undocumented.Count == 0, "Portal/ reads configuration keys that docs/configuration.md does not document: " + string.Join(", ", undocumented));
    }

    [Fact]
    public async Task EveryOptionsTypeBoundFromConfiguration_HasSectionName()
    {
        // What the running portal binds (BindConfiguration registers a change-token source per options type), so an options
        // class without a SectionName constant cannot slip past the reflection the other tests use.
        IServiceCollection? services = null;
        await using var app = new PortalAppFactory(configureServices: s => services = s);
        _ = app.Services;
        var bound = services!.Select(d => d.ServiceType)
            .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>))
            .Select(t => t.GetGenericArguments()[0]).Where(t => t.Assembly == typeof(Program).Assembly).Distinct().ToList();
        Assert.NotEmpty(bound);
        var withoutSection = bound.Where(t => SectionOf(t) is null).Select(t => t.FullName).ToList();
        Assert.True(withoutSection.Count == 0, "Options bound from configuration without a `public const string SectionName`: " + string.Join(", ", withoutSection));
        var notBound = OptionsTypes().Select(o => o.Type).Except(bound).Select(t => t.FullName).ToList();
        Assert.True(notBound.Count == 0, "Classes with a SectionName that nothing binds (their keys would be documented but dead): " + string.Join(", ", notBound));
    }

    // --- the code's side -------------------------------------------------------------------------------------------

    private sealed record BindableKey(string Path, string Type, string? Default)
    {
        public string Row => $"| `{Path}` | {Type} | {(Default is null ? "none" : $"`{Default}`")} | |";
    }

    private static IEnumerable<(Type Type, string Section)> OptionsTypes() =>
        typeof(Program).Assembly.GetTypes().Select(t => (Type: t, Section: SectionOf(t))).Where(x => x.Section is not null)
            .Select(x => (x.Type, x.Section!));

    private static string? SectionOf(Type t) =>
        t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } f ? (string?)f.GetRawConstantValue() : null;

    private static List<BindableKey> BindableKeys()
    {
        var keys = new List<BindableKey>();
        foreach (var (type, section) in OptionsTypes())
            Walk(section, type, Activator.CreateInstance(type), keys, depth: 0);
        Assert.NotEmpty(keys);
        return keys;
    }

    /// <summary>The paths ConfigurationBinder fills: settable scalars, and the members of objects, lists and dictionaries.</summary>
    private static void Walk(string prefix, Type type, object? instance, List<BindableKey> keys, int depth)
    {
        Assert.True(depth < 8, $"options nest too deep at {prefix}");
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length > 0 || p.GetMethod is not { IsPublic: true }) continue;
            var path = prefix + ":" + p.Name;
            var value = instance is null ? null : p.GetValue(instance);
            Member(path, p.PropertyType, value, settable: p.SetMethod is { IsPublic: true }, keys, depth);
        }
    }

    private static void Member(string path, Type t, object? value, bool settable, List<BindableKey> keys, int depth)
    {
        if (IsScalar(t))
        {
            if (settable) keys.Add(new(path, TypeName(t), Format(value)));
            return;
        }
        if (DictionaryValueType(t) is { } valueType)
        {
            Member(path + ":<key>", valueType, null, settable: true, keys, depth + 1);
            return;
        }
        if (ElementType(t) is { } element)
        {
            Member(path + ":N", element, null, settable: true, keys, depth + 1);
            return;
        }
        Walk(path, t, value ?? (t.GetConstructor(Type.EmptyTypes) is null ? null : Activator.CreateInstance(t)), keys, depth + 1);
    }

    private static bool IsScalar(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) || t == typeof(DateTimeOffset)
            || t == typeof(DateTime) || t == typeof(Guid) || t == typeof(Uri);
    }

    private static Type? DictionaryValueType(Type t) =>
        t.GetInterfaces().Append(t).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>))?.GetGenericArguments()[1];

    private static Type? ElementType(Type t) => t == typeof(string) ? null : t.IsArray ? t.GetElementType()
        : t.GetInterfaces().Append(t).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static string TypeName(Type t)
    {
        var u = Nullable.GetUnderlyingType(t) ?? t;
        return u.IsEnum ? string.Join(" / ", Enum.GetNames(u).Select(n => $"`{n}`"))
            : u == typeof(TimeSpan) ? "time span"
            : u == typeof(bool) ? "bool"
            : u == typeof(int) || u == typeof(long) ? "integer"
            : u == typeof(string) ? "string"
            : u.Name;
    }

    /// <summary>A default as configuration would spell it; null for none (null, empty).</summary>
    private static string? Format(object? value) => value switch
    {
        null => null,
        string s => s.Length == 0 ? null : s,
        bool b => b ? "true" : "false",
        TimeSpan ts => ts.ToString("c", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable => null,
        _ => value.ToString(),
    };

    private static IEnumerable<string> PortalSources() =>
        Directory.EnumerateFiles(RepoPaths.Combine("Portal"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [GeneratedRegex("""(?:[Cc]onfig(?:uration)?\s*\[\s*"(?<key>[^"{}]+)"\s*\]|GetValue<[^>]+>\(\s*"(?<key>[^"{}]+)"|GetSection\(\s*"(?<key>[^"{}]+)"\s*\)|GetConnectionString\(\s*"(?<cs>[^"]+)"\s*\))""")]
    private static partial Regex DirectReads();

    // --- the document's side ---------------------------------------------------------------------------------------

    /// <summary>
    /// Every key in the first column of the doc's key tables (tables whose header starts with "key"), normalized: a list
    /// index (N, M…) becomes N and a dictionary key (&lt;culture&gt;…) becomes &lt;key&gt;; the value is the whole row.
    /// </summary>
    internal static Dictionary<string, string> DocumentedRows()
    {
        Assert.True(File.Exists(DocPath), DocPath + " is missing");
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        var inKeyTable = false;
        foreach (var raw in File.ReadLines(DocPath))
        {
            var line = raw.Trim();
            if (!line.StartsWith('|')) { inKeyTable = false; continue; }
            var cells = line.Trim('|').Split('|');
            var first = cells[0].Trim();
            if (!inKeyTable) { inKeyTable = first.Equals("key", StringComparison.OrdinalIgnoreCase); continue; }
            foreach (Match m in CodeSpan().Matches(first))
            {
                var key = Normalize(m.Groups[1].Value);
                Assert.False(rows.ContainsKey(key), $"docs/configuration.md documents {key} twice");
                rows[key] = line;
            }
        }
        Assert.NotEmpty(rows);
        return rows;
    }

    private static string Normalize(string key) => string.Join(':', key.Replace("__", ":").Split(':')
        .Select(s => s.Length == 1 && char.IsAsciiLetterUpper(s[0]) ? "N" : s.StartsWith('<') && s.EndsWith('>') ? "<key>" : s));

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();
}
