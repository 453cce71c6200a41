using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Webhooks;

/// <summary>
/// Signs webhook requests the way the README tells receivers to check them:
/// <c>Portal-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;raw body&gt;")&gt;</c>.
/// The timestamp is inside the signed text, so an old request cannot be replayed with a fresh time.
/// </summary>
public static class WebhookSigner
{
    public const string SignatureHeader = "Portal-Signature";
    public const string EventIdHeader = "Portal-Event-Id";
    public const string EventTypeHeader = "Portal-Event-Type";
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, DateTimeOffset at, string body)
    {
        var t = at.ToUnixTimeSeconds();
        return $"t={t.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(Mac(secret, t, body))}";
    }

    /// <summary>The POST for one delivery: the body's exact bytes, signed now (each retry carries a fresh timestamp).</summary>
    public static HttpRequestMessage CreateRequest(Uri url, string secret, WebhookDelivery delivery, DateTimeOffset now)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(delivery.Payload));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.Add(SignatureHeader, Sign(secret, now, delivery.Payload));
        request.Headers.Add(EventIdHeader, delivery.EventId);
        request.Headers.Add(EventTypeHeader, delivery.EventType);
        return request;
    }

    /// <summary>
    /// For receivers written in .NET: true only when a v1 signature matches the body (compared in constant time) and
    /// t is within <paramref name="tolerance"/> of <paramref name="now"/> either way. Several v1 values are allowed,
    /// so a sender can sign with an old and a new secret while it is rotated.
    /// </summary>
    public static bool Verify(string secret, string? header, string body, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        if (string.IsNullOrEmpty(secret) || string.IsNullOrWhiteSpace(header)) return false;
        long? t = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) return false;
            var (key, value) = (part[..eq], part[(eq + 1)..]);
            if (key == "t")
            {
                if (t is not null || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)) return false;
                t = parsed;
            }
            else if (key == "v1")
            {
                if (value.Length != 64) return false;
                try { signatures.Add(Convert.FromHexString(value)); }
                catch (FormatException) { return false; }
            }
        }
        if (t is not { } seconds || signatures.Count == 0) return false;
        if (seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds()) return false;
        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > (tolerance ?? DefaultTolerance)) return false;
        var expected = Mac(secret, seconds, body);
        var match = false;
        // Every candidate is compared, so the time taken does not tell which one matched.
        foreach (var s in signatures) match |= CryptographicOperations.FixedTimeEquals(expected, s);
        return match;
    }

    private static byte[] Mac(string secret, long t, string body) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t.ToString(CultureInfo.InvariantCulture) + "." + body));
}
