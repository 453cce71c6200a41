using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Marketplace.Lifecycle;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// A certificate authority made for a test, and SNS-like signing certificates it issues: the portal checks that a
/// signing certificate chains to a trusted root, so tests trust this root (and only tests).
/// </summary>
public sealed class TestSnsCertificates : IDisposable
{
    private readonly RSA rootKey = RSA.Create(2048);
    public X509Certificate2 Root { get; }

    public TestSnsCertificates(string rootName = "CN=Test Root CA")
    {
        var request = new CertificateRequest(rootName, rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Root = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-60), DateTimeOffset.UtcNow.AddYears(1));
    }

    /// <summary>A leaf for <paramref name="key"/> issued by this root, as PEM.</summary>
    public string LeafPem(RSA key, string commonName = "sns.us-east-1.amazonaws.com", DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        using var leaf = request.Create(Root, notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddDays(30),
            RandomNumberGenerator.GetBytes(16));
        return leaf.ExportCertificatePem();
    }

    public SnsCertificateTrust Trust => new([Root]);

    /// <summary>For PortalAppFactory: the portal trusts this root for SNS signing certificates.</summary>
    public void TrustIn(IServiceCollection services) => services.Replace(ServiceDescriptor.Singleton(Trust));

    public void Dispose()
    {
        Root.Dispose();
        rootKey.Dispose();
    }
}
