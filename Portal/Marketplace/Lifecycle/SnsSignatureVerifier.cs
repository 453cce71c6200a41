using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

namespace Portal.Marketplace.Lifecycle;

public enum SnsVerdict { Valid, UnknownTopic, UntrustedCertificateUrl, CertificateUnavailable, CertificateExpired, BadSignature, UnsupportedVersion, UntrustedCertificate }

/// <summary>
/// The roots an SNS signing certificate must chain to: the system's trusted roots, or (tests only) the given ones
/// instead. Registered as a service so a test can trust the root it generated.
/// </summary>
public sealed class SnsCertificateTrust(IReadOnlyList<X509Certificate2>? roots = null)
{
    public IReadOnlyList<X509Certificate2> CustomRoots { get; } = roots ?? [];
}

/// <summary>
/// Checks an SNS delivery before anything is applied: the topic is one of ours, the signing certificate comes from
/// an allowed URL, is currently valid, chains to a trusted root and was issued to SNS itself (subject CN
/// sns.amazonaws.com or sns.&lt;region&gt;.amazonaws.com(.cn)), and the signature over the documented string verifies
/// (SignatureVersion 1 = SHA1withRSA, 2 = SHA256withRSA). AWS: "Check that the certificate is issued by Amazon SNS",
/// "Confirm that the certificate's chain of trust is valid", "Don't trust any certificates provided in the message
/// without validation" (https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html).
/// Certificates are cached per URL once they passed those checks.
/// </summary>
public sealed partial class SnsSignatureVerifier(IHttpClientFactory http, TimeProvider time, ILogger<SnsSignatureVerifier> logger,
    SnsCertificateTrust trust)
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

        var (certificate, intermediates) = pinned is not null ? (pinned, null) : await CertificateAsync(url, ct);
        if (certificate is null) return SnsVerdict.CertificateUnavailable;
        var now = time.GetUtcNow().UtcDateTime;
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime()) return SnsVerdict.CertificateExpired;
        // The simulator's own certificate is pinned (simulator mode, its own URL only): it is no public SNS certificate.
        if (pinned is null && !IsTrusted(certificate, intermediates, now))
        {
            certificates.TryRemove(url.AbsoluteUri, out _);
            logger.LogWarning("SNS signing certificate {Url} refused: not issued to SNS or not chained to a trusted root", url);
            return SnsVerdict.UntrustedCertificate;
        }

        byte[] signature;
        try { signature = Convert.FromBase64String(message.Signature); }
        catch (FormatException) { return SnsVerdict.BadSignature; }
        using var rsa = certificate.GetRSAPublicKey();
        var valid = rsa is not null && rsa.VerifyData(Encoding.UTF8.GetBytes(message.StringToSign()), signature, hash.Value, RSASignaturePadding.Pkcs1);
        return valid ? SnsVerdict.Valid : SnsVerdict.BadSignature;
    }

    /// <summary>Issued to SNS (subject CN), and a chain to a trusted root as of now (no revocation look-up: SNS certificates name none reliably).</summary>
    private bool IsTrusted(X509Certificate2 certificate, X509Certificate2Collection? intermediates, DateTime now)
    {
        if (!SnsSubject().IsMatch(certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false) ?? "")) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (intermediates is not null) chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        if (trust.CustomRoots.Count > 0)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            foreach (var root in trust.CustomRoots) chain.ChainPolicy.CustomTrustStore.Add(root);
        }
        return chain.Build(certificate);
    }

    [GeneratedRegex(@"^sns(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$")]
    private static partial Regex SnsSubject();

    private readonly ConcurrentDictionary<string, X509Certificate2Collection> chains = new();

    /// <summary>The PEM's first certificate, and any further ones in it (intermediates to build the chain with).</summary>
    private async Task<(X509Certificate2? Certificate, X509Certificate2Collection? Intermediates)> CertificateAsync(Uri url, CancellationToken ct)
    {
        if (certificates.TryGetValue(url.AbsoluteUri, out var cached)) return (cached, chains.GetValueOrDefault(url.AbsoluteUri));
        try
        {
            using var client = http.CreateClient("sns-certificates");
            var pem = await client.GetStringAsync(url, ct);
            var all = new X509Certificate2Collection();
            all.ImportFromPem(pem);
            if (all.Count == 0) return (null, null);
            var certificate = all[0];
            all.RemoveAt(0);
            chains[url.AbsoluteUri] = all;
            return (certificates.GetOrAdd(url.AbsoluteUri, certificate), all);
        }
        catch (Exception ex) when (ex is HttpRequestException or CryptographicException or TaskCanceledException or ArgumentException)
        {
            logger.LogWarning("SNS signing certificate {Url} could not be loaded: {Error}", url, ex.GetType().Name);
            return (null, null);
        }
    }
}
