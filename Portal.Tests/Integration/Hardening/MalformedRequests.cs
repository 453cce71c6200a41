using System.Text;

namespace Portal.Tests.Integration.Hardening;

public enum Target { Landing, Sns, EventBridge, Usage }

/// <summary>One generated request; built into a fresh <see cref="HttpRequestMessage"/> each time it is sent.</summary>
public sealed record HostileRequest(int Index, Target Target, string Category, HttpMethod Method, string Path, byte[]? Body, string? ContentType,
    IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(Method, Path);
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            // Without validation: a broken media type is part of the attack.
            if (ContentType is not null) message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        }
        foreach (var (name, value) in Headers)
            if (!message.Headers.TryAddWithoutValidation(name, value)) message.Content?.Headers.TryAddWithoutValidation(name, value);
        return message;
    }

    public override string ToString() => $"#{Index} {Target}/{Category} {Method} {Path} ({Body?.Length ?? 0} bytes, {ContentType ?? "no type"})";
}

/// <summary>What a request needs to get past the first check (a key, a secret) so the validation behind it runs.</summary>
public sealed record Credentials(string ApiKey, string EventBridgeHeader, string EventBridgeSecret, string SnsTopic, string SnsCertificateUrl,
    string SimulatorTopic, string SimulatorCertificateUrl, byte[] ValidSns, byte[] ValidEventBridge, byte[] ValidUsage);

/// <summary>
/// A seeded generator of hostile requests for the four public endpoints. Every category targets one parser or
/// check; the structured ones always break at least one field, so nothing it makes (apart from the replays of
/// the three valid messages) may be accepted.
/// </summary>
public sealed class MalformedRequests(int seed, Credentials c)
{
    public const string LandingPath = "/marketplace/landing", SnsPath = "/marketplace/notifications/sns",
        EventBridgePath = "/marketplace/notifications/eventbridge", UsagePath = "/api/v1/usage";

    // Shared, read-only: several MB each, so a handful of huge requests cost no new allocations.
    private static readonly byte[] HugeRandom = RandomBytes(new Random(1), 5 * 1024 * 1024);
    private static readonly byte[] HugeJson = Encoding.UTF8.GetBytes("{\"dimension\":\"" + new string('a', 4 * 1024 * 1024) + "\"}");
    private static readonly byte[] HugeForm = Encoding.ASCII.GetBytes("x-amzn-marketplace-token=" + new string('A', 3 * 1024 * 1024));

    private readonly Random rng = new(seed);

    public static readonly string[] Hostile =
    [
        "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "'; DROP TABLE Users; --", "\u202Eabc\u202C שלום مرحبا",
        "👩‍👩‍👧‍👦🏳️‍🌈\uFE0F", "a\0b\u0001\u001B[31m\u007F", "\r\n\r\nX-Injected: 1", "%00%0d%0a", "../../etc/passwd", "${jndi:ldap://x}",
        "\uFEFF\u200B\u200D", "𝕳𝖊𝖑𝖑𝖔", "null", "-1", "9".PadLeft(400, '9'), new string('Z', 5000), "\\u0000", "{{7*7}}",
    ];

    private static readonly string[] ContentTypes =
    [
        "application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\"" + new string('b', 300) + "\"", "application/json; charset=utf-7", "application/x-www-form-urlencoded; charset=ebcdic",
        "text/html", "application/xml", ";;;", "application/json; charset=\"", "*/*", "application/octet-stream", "image/png",
    ];

    private static readonly string[] Categories =
    [
        "random-bytes", "wrong-content-type", "broken-utf8", "unicode", "control-chars", "truncated-json", "wrong-types", "deep-nesting",
        "huge-numbers", "wrong-method", "absurd-headers", "bad-credentials", "unsigned-or-badly-signed", "oversized-fields",
    ];

    public IEnumerable<HostileRequest> Generate(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var target = (Target)(i % 4);
            // Fixed shares, the same for each endpoint, for the expensive or special kinds; the rest drawn at random.
            var round = i / 4;
            if (round % 125 == 5) yield return Huge(i, target);
            else if (round % 25 == 7) yield return Replay(i, target);
            else yield return Make(i, target, Categories[rng.Next(Categories.Length)]);
        }
    }

    private HostileRequest Huge(int i, Target t)
    {
        var body = t switch { Target.Landing => HugeForm, Target.Usage => HugeJson, _ => HugeRandom };
        var type = t == Target.Landing ? "application/x-www-form-urlencoded" : "application/json";
        return new(i, t, "huge-body", HttpMethod.Post, PathOf(t), body, type, Auth(t, good: true));
    }

    private HostileRequest Replay(int i, Target t) => t switch
    {
        Target.Sns => new(i, t, "replay", HttpMethod.Post, SnsPath, c.ValidSns, "text/plain; charset=UTF-8", []),
        Target.EventBridge => new(i, t, "replay", HttpMethod.Post, EventBridgePath, c.ValidEventBridge, "application/json", Auth(t, true)),
        Target.Usage => new(i, t, "replay", HttpMethod.Post, UsagePath, c.ValidUsage, "application/json", Auth(t, true)),
        // The landing has no idempotent message of its own to replay: a well-formed but unknown token stands in.
        _ => new(i, t, "unknown-token", HttpMethod.Post, LandingPath, Form("x-amzn-marketplace-token", Token()), "application/x-www-form-urlencoded", []),
    };

    private HostileRequest Make(int i, Target t, string category)
    {
        var path = PathOf(t);
        var method = HttpMethod.Post;
        var headers = new List<KeyValuePair<string, string>>(Auth(t, good: rng.Next(10) != 0));
        string? type = DefaultType(t);
        byte[]? body;
        switch (category)
        {
            case "random-bytes":
                body = RandomBytes(rng, rng.Next(0, 4096));
                type = Pick(ContentTypes);
                break;
            case "wrong-content-type":
                body = Structured(t, Pick(Hostile));
                type = rng.Next(5) == 0 ? null : Pick(ContentTypes.Where(x => x != DefaultType(t)).ToArray());
                break;
            case "broken-utf8":
                body = Splice(Structured(t, "\uE000"), Pick(BrokenUtf8));
                break;
            case "unicode":
                body = Structured(t, Pick(["\u202Eevil\u202C", "مرحبا بالعالم", "עברית", "👨‍👩‍👧‍👦", "🇺🇳🏴‍☠️", "\uFEFF", "Ω≈ç√∫", "ｆｕｌｌｗｉｄｔｈ"]));
                break;
            case "control-chars":
                body = Structured(t, "ctl" + new string(Enumerable.Range(0, 8).Select(_ => (char)rng.Next(0, 32)).ToArray()) + "\u007F\u0085");
                break;
            case "truncated-json":
                var whole = Structured(t, Pick(Hostile));
                body = whole[..rng.Next(0, Math.Max(1, whole.Length - 1))];
                break;
            case "wrong-types":
                body = Encoding.UTF8.GetBytes(Pick(WrongTypes(t)));
                break;
            case "deep-nesting":
                var depth = rng.Next(65, 20000);
                var nested = new string('[', depth) + new string(']', depth);
                body = Encoding.UTF8.GetBytes(rng.Next(2) == 0 ? "{\"id\":" + nested + "}" : nested);
                break;
            case "huge-numbers":
                body = Encoding.UTF8.GetBytes(Pick([
                    "{\"dimension\":\"requests\",\"quantity\":1e400,\"idempotencyKey\":\"n\"}",
                    "{\"dimension\":\"requests\",\"quantity\":99999999999999999999999999,\"idempotencyKey\":\"n\"}",
                    "{\"dimension\":\"requests\",\"quantity\":-9223372036854775809,\"idempotencyKey\":\"n\"}",
                    "{\"dimension\":\"requests\",\"quantity\":9223372036854775807,\"idempotencyKey\":\"n\"}",
                    "{\"dimension\":\"requests\",\"quantity\":1.5,\"idempotencyKey\":\"n\"}",
                    "{\"dimension\":\"requests\",\"quantity\":1,\"timestamp\":\"9999-12-31T23:59:59-14:00\",\"idempotencyKey\":\"n\"}",
                    "{\"dimension\":\"requests\",\"quantity\":1,\"timestamp\":\"0001-01-01T00:00:00+14:00\",\"idempotencyKey\":\"n\"}",
                    "{\"dimension\":\"requests\",\"quantity\":1,\"timestamp\":-62135596800,\"idempotencyKey\":\"n\"}",
                    "{\"id\":1e999,\"detail-type\":NaN,\"source\":Infinity}",
                ]));
                break;
            case "wrong-method":
                method = Pick([HttpMethod.Get, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Options, HttpMethod.Head, new HttpMethod("TRACE"), new HttpMethod("PROPFIND")]);
                path += Pick(["", "?x-amzn-marketplace-token=" + Uri.EscapeDataString(Pick(Hostile)), "?%ZZ=%00", "?a=" + new string('q', 6000)]);
                body = method == HttpMethod.Get || method == HttpMethod.Head ? null : Structured(t, Pick(Hostile));
                break;
            case "absurd-headers":
                body = Structured(t, Pick(Hostile));
                headers.Clear();
                headers.AddRange(AbsurdHeaders(t));
                break;
            case "bad-credentials":
                body = Structured(t, "x");
                headers.Clear();
                headers.AddRange(Auth(t, good: false));
                break;
            case "unsigned-or-badly-signed":
                body = t == Target.Sns ? BadlySigned() : Structured(t, Pick(Hostile));
                break;
            default: // oversized-fields: inside the body limit, beyond every column
                body = Structured(t, new string(Pick(['x', 'é', '中', '\u202E']), rng.Next(300, 3000)));
                break;
        }
        if (t == Target.Landing && category == "wrong-method" && method == HttpMethod.Get) path = LandingPath + "?x-amzn-marketplace-token=" + Uri.EscapeDataString(Pick(Hostile));
        return new(i, t, category, method, path, body, type, headers);
    }

    private static string PathOf(Target t) => t switch
    {
        Target.Landing => LandingPath, Target.Sns => SnsPath, Target.EventBridge => EventBridgePath, _ => UsagePath,
    };

    private static string DefaultType(Target t) => t switch
    {
        Target.Landing => "application/x-www-form-urlencoded", Target.Sns => "text/plain; charset=UTF-8", _ => "application/json",
    };

    private List<KeyValuePair<string, string>> Auth(Target t, bool good) => t switch
    {
        Target.EventBridge => [new(c.EventBridgeHeader, good ? c.EventBridgeSecret : Pick(["", c.EventBridgeSecret + "x", c.EventBridgeSecret.ToUpperInvariant(), "\u00e9" + c.EventBridgeSecret]))],
        Target.Usage when good => [new("Authorization", "Bearer " + c.ApiKey)],
        Target.Usage => [Pick<KeyValuePair<string, string>>([new("Authorization", "Bearer mpk_" + Token()), new("Authorization", "Basic Zm9vOmJhcg=="),
            new("X-Api-Key", c.ApiKey + "x"), new("Authorization", "Bearer " + new string('k', 250)), new("Authorization", "Bearer")])],
        Target.Landing => [new("Cookie", "Portal.Onboarding=" + Pick(["garbage", "CfDJ8" + new string('A', 200), "%00", new string('x', 2000)]))],
        _ => [],
    };

    private IEnumerable<KeyValuePair<string, string>> AbsurdHeaders(Target t)
    {
        yield return new(Pick(["X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Accept-Language", "Idempotency-Key", "Accept", "Cookie", "Referer"]),
            Pick(["\u00ff\u00fe", new string('h', rng.Next(100, 40000)), "*, *;q=99999", "zz-ZZ-x-" + new string('a', 300), "1.2.3.4, ::::::, \"", "javascript:alert(1)"]));
        yield return new("Idempotency-Key", Pick(["", new string('i', 200), "tab\there", "\u00e9t\u00e9"]));
        foreach (var h in Auth(t, good: true)) yield return h;
    }

    /// <summary>The endpoint's own shape with <paramref name="value"/> in every field, and at least one field the endpoint cannot accept.</summary>
    private byte[] Structured(Target t, string value)
    {
        string J(string s) => System.Text.Json.JsonSerializer.Serialize(s);
        var text = t switch
        {
            Target.Landing => "x-amzn-marketplace-token=" + Uri.EscapeDataString(value) + (rng.Next(3) == 0 ? "&x-amzn-marketplace-token=second" : ""),
            Target.Sns => $"{{\"Type\":{J(Pick(["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation", value]))},\"MessageId\":{J(value)}," +
                $"\"TopicArn\":{J(Pick([c.SnsTopic, c.SimulatorTopic, value]))},\"Message\":{J("{\"action\":\"subscribe-success\",\"product-code\":" + J(value) + "}")}," +
                $"\"Timestamp\":{J(value)},\"SignatureVersion\":{J(Pick(["1", "2", value]))},\"Signature\":{J(value)},\"SigningCertURL\":{J(Pick([c.SnsCertificateUrl, c.SimulatorCertificateUrl, value]))}}}",
            // The dimension is never one of the product's, and the account never a real one: nothing may be stored.
            Target.Usage => $"{{\"dimension\":{J("d" + value)},\"quantity\":{Pick(["1", "-5", J(value), "null", "[]"])},\"idempotencyKey\":{J(value)},\"timestamp\":{J(Pick(["2026-01-01", value, "now"]))}}}",
            _ => $"{{\"version\":\"0\",\"id\":{J(value)},\"detail-type\":{J(Pick(["Purchase Agreement Created - Manufacturer", "License Deprovisioned - Proposer", value]))}," +
                $"\"source\":{J(Pick(["aws.agreement-marketplace", value]))},\"detail\":{{\"product\":{{\"code\":{J(value)}}},\"agreement\":{{\"id\":{J(value)},\"status\":{J(value)},\"acceptor\":{{\"accountId\":{J(value)}}}}},\"licenseArn\":{J(value)}}}}}",
        };
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>A well-formed SNS envelope whose signature cannot verify: empty, random, not base64, or over different text.</summary>
    private byte[] BadlySigned()
    {
        var valid = Encoding.UTF8.GetString(c.ValidSns);
        var signature = Pick(["", Convert.ToBase64String(RandomBytes(rng, 256)), "!!!not-base64!!!", Convert.ToBase64String(RandomBytes(rng, 3))]);
        var tampered = System.Text.RegularExpressions.Regex.Replace(valid, "\"Signature\":\"[^\"]*\"", $"\"Signature\":\"{signature}\"");
        return Encoding.UTF8.GetBytes(rng.Next(3) switch
        {
            0 => tampered,
            1 => valid.Replace("unsubscribe-success", "subscribe-fail"), // signed over other text
            _ => valid.Replace("\"MessageId\":\"", "\"MessageId\":\"x"),
        });
    }

    private static string[] WrongTypes(Target t) =>
    [
        "null", "[]", "\"just a string\"", "42", "true", "{\"dimension\":5,\"quantity\":\"5\",\"idempotencyKey\":[]}",
        "{\"dimension\":{},\"quantity\":{},\"idempotencyKey\":{}}", "{\"Type\":1,\"MessageId\":[],\"TopicArn\":null}",
        "{\"id\":{},\"detail-type\":[],\"source\":1,\"detail\":\"str\"}", "{\"id\":\"x\",\"detail-type\":\"Purchase Agreement Created - M\",\"source\":\"aws.agreement-marketplace\",\"detail\":[]}",
        "{\"a\":1,\"a\":2,\"a\":3}", "{\"dimension\":\"requests\",\"quantity\":true,\"idempotencyKey\":\"k\"}", t == Target.Landing ? "x-amzn-marketplace-token&&&==&" : "{}",
    ];

    private static readonly byte[][] BrokenUtf8 = [[0xC3, 0x28], [0xFF, 0xFE], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xF0, 0x9F]];

    /// <summary>Puts invalid UTF-8 where the marker U+E000 is (inside a JSON string or form value).</summary>
    private static byte[] Splice(byte[] text, byte[] bad)
    {
        var marker = Encoding.UTF8.GetBytes("\uE000");
        var at = text.AsSpan().IndexOf(marker);
        if (at < 0)
        {
            var formMarker = Encoding.ASCII.GetBytes(Uri.EscapeDataString("\uE000"));
            at = text.AsSpan().IndexOf(formMarker);
            if (at < 0) return [.. text, .. bad];
            return [.. text[..at], .. bad, .. text[(at + formMarker.Length)..]];
        }
        return [.. text[..at], .. bad, .. text[(at + marker.Length)..]];
    }

    private static byte[] Form(string key, string value) => Encoding.ASCII.GetBytes($"{key}={Uri.EscapeDataString(value)}");

    private string Token() => Convert.ToBase64String(RandomBytes(rng, rng.Next(8, 120)));

    private T Pick<T>(T[] options) => options[rng.Next(options.Length)];

    private static byte[] RandomBytes(Random r, int n)
    {
        var b = new byte[n];
        r.NextBytes(b);
        return b;
    }
}
