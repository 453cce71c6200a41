using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

namespace Portal.Marketplace.Lifecycle;

public enum SnsVerdict { Valid, UnknownTopic, UntrustedCertificateUrl, CertificateUnavailable, CertificateExpired, BadSignature, UnsupportedVersion }

/// <summary>
/// Checks an SNS delivery before anything is applied: the topic is one of ours, the signing certificate comes from
/// an allowed URL and is currently valid, and the signature over the documented string verifies
/// (SignatureVersion 1 = SHA1withRSA, 2 = SHA256withRSA). Certificates are cached per URL.
/// </summary>
public sealed class SnsSignatureVerifier(IHttpClientFactory http, TimeProvider time, ILogger<SnsSignatureVerifier> logger)
{
    private readonly ConcurrentDictionary<string, X509Certificate2> certificates = new();

    /// <param name="pinned">A certificate trusted for this message without fetching (the simulator's own, in simulator mode only).</param>
    public async Task<SnsVerdict> VerifyAsync(SnsMessage message, IReadOnlyCollection<string> topics, Regex certificateUrl, CancellationToken ct,
        X509Certificate2? pinned = null)
    {
        if (!topics.Contains(message.TopicArn)) return SnsVerdict.UnknownTopic;
        if (!Uri.TryCreate(message.SigningCertUrl, UriKind.Absolute, out var url) || (pinned is null && !certificateUrl.IsMatch(message.SigningCertUrl)))
            return SnsVerdict.UntrustedCertificateUrl;
        var hash = message.SignatureVersion switch { "1" => HashAlgorithmName.SHA1, "2" => HashAlgorithmName.SHA256, _ => (HashAlgorithmName?)null };
        if (hash is null) return SnsVerdict.UnsupportedVersion;

        var certificate = pinned ?? await CertificateAsync(url, ct);
        if (certificate is null) return SnsVerdict.CertificateUnavailable;
        var now = time.GetUtcNow().UtcDateTime;
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime()) return SnsVerdict.CertificateExpired;

        byte[] signature;
        try { signature = Convert.FromBase64String(message.Signature); }
        catch (FormatException) { return SnsVerdict.BadSignature; }
        using var rsa = certificate.GetRSAPublicKey();
        var valid = rsa is not null && rsa.VerifyData(Encoding.UTF8.GetBytes(message.StringToSign()), signature, hash.Value, RSASignaturePadding.Pkcs1);
        return valid ? SnsVerdict.Valid : SnsVerdict.BadSignature;
    }

    private async Task<X509Certificate2?> CertificateAsync(Uri url, CancellationToken ct)
    {
        if (certificates.TryGetValue(url.AbsoluteUri, out var cached)) return cached;
        try
        {
            using var client = http.CreateClient("sns-certificates");
            var pem = await client.GetStringAsync(url, ct);
            var certificate = X509Certificate2.CreateFromPem(pem);
            return certificates.GetOrAdd(url.AbsoluteUri, certificate);
        }
        catch (Exception ex) when (ex is HttpRequestException or CryptographicException or TaskCanceledException or ArgumentException)
        {
            logger.LogWarning("SNS signing certificate {Url} could not be loaded: {Error}", url, ex.GetType().Name);
            return null;
        }
    }
}
