using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Marketplace.Simulator;

/// <summary>
/// Recomputes an AWS Signature Version 4 (header form) from the request as received, independently of
/// AWSSDK.Core's signer, so the simulator accepts only what AWS itself would.
/// </summary>
public static class SigV4Verifier
{
    public sealed record Request(string Method, string RawPath, string Query, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body);

    public sealed record Result(bool Valid, string? ErrorType, string? Message, string? AccessKeyId = null, string? Region = null, string? Service = null)
    {
        public static Result Fail(string type, string message) => new(false, type, message);
    }

    /// <param name="secretFor">the secret key of an access key id, or null when the key is unknown</param>
    /// <param name="now">when set, the signature date must be within 15 minutes of it, as AWS requires</param>
    public static Result Verify(Request request, Func<string, string?> secretFor, DateTimeOffset? now = null)
    {
        var auth = Header(request, "authorization");
        if (string.IsNullOrEmpty(auth))
            return Result.Fail("MissingAuthenticationTokenException", "Missing Authentication Token");
        const string algorithm = "AWS4-HMAC-SHA256";
        if (!auth.StartsWith(algorithm + " ", StringComparison.Ordinal))
            return Result.Fail("IncompleteSignatureException", "Unsupported signing algorithm.");

        var parts = auth[(algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaders) ||
            !parts.TryGetValue("Signature", out var signature))
            return Result.Fail("IncompleteSignatureException", "Authorization header requires Credential, SignedHeaders and Signature.");

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
            return Result.Fail("IncompleteSignatureException", "Malformed credential scope.");
        var (accessKey, date, region, service) = (scope[0], scope[1], scope[2], scope[3]);
        var secret = secretFor(accessKey);
        if (secret is null)
            return Result.Fail("UnrecognizedClientException", "The security token included in the request is invalid.");

        var amzDate = Header(request, "x-amz-date");
        if (amzDate is null || !DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var signedAt) || amzDate[..8] != date)
            return Result.Fail("IncompleteSignatureException", "X-Amz-Date is missing or does not match the credential scope.");
        if (now is { } n && (signedAt - n).Duration() > TimeSpan.FromMinutes(15))
            return Result.Fail("InvalidSignatureException", "Signature expired: the request time is too far from the server time.");

        var names = signedHeaders.Split(';');
        if (!names.Contains("host"))
            return Result.Fail("InvalidSignatureException", "The host header must be signed.");
        var canonicalHeaders = new StringBuilder();
        foreach (var name in names)
        {
            var values = request.Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => Trim(h.Value));
            canonicalHeaders.Append(name).Append(':').Append(string.Join(',', values)).Append('\n');
        }

        var canonicalRequest = string.Join('\n',
            request.Method.ToUpperInvariant(), CanonicalPath(request.RawPath), CanonicalQuery(request.Query),
            canonicalHeaders.ToString(), signedHeaders, Hex(SHA256.HashData(request.Body)));
        var stringToSign = string.Join('\n', algorithm, amzDate, $"{date}/{region}/{service}/aws4_request",
            Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        var expected = Hex(Hmac(key, stringToSign));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)))
            return Result.Fail("InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided.");
        return new Result(true, null, null, accessKey, region, service);
    }

    private static string? Header(Request r, string name) =>
        r.Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    private static string Trim(string value) => string.Join(' ', value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries));

    // Non-S3 services encode each already-encoded path segment once more (the SigV4 spec's "double encoding").
    private static string CanonicalPath(string rawPath) =>
        string.IsNullOrEmpty(rawPath) ? "/" : string.Join('/', rawPath.Split('/').Select(UriEncode));

    private static string CanonicalQuery(string query)
    {
        if (string.IsNullOrEmpty(query) || query == "?") return "";
        return string.Join('&', query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => (K: UriEncode(Uri.UnescapeDataString(p[0])), V: UriEncode(Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""))))
            .OrderBy(p => p.K, StringComparer.Ordinal).ThenBy(p => p.V, StringComparer.Ordinal)
            .Select(p => $"{p.K}={p.V}"));
    }

    private static string UriEncode(string s)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            var c = (char)b;
            if (c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.' or '~') sb.Append(c);
            else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
