using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

namespace Portal.Operations;

/// <summary>
/// Encrypts the data-protection key ring at rest with a configured certificate (PKCS#12 file and password), so the
/// keys in the database or the keys folder are not plaintext XML. The same certificate is also given for decryption:
/// on Linux there is no certificate store for the framework to find it in by thumbprint.
/// </summary>
public static class KeyRingProtection
{
    public const string PathKey = "DataProtection:CertificatePath", PasswordKey = "DataProtection:CertificatePassword";

    public static IDataProtectionBuilder ProtectKeysWithConfiguredCertificate(this IDataProtectionBuilder builder, IConfiguration config,
        IHostEnvironment environment)
    {
        if (config[PathKey] is not { Length: > 0 } path) return builder;
        var certificate = Load(Path.GetFullPath(Path.Combine(environment.ContentRootPath, path)), config[PasswordKey]);
        return builder.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
    }

    /// <summary>
    /// Where the key ring lives, so cookies, onboarding tickets and antiforgery tokens issued by one instance are
    /// honoured by every other: an explicitly configured folder (DataProtection:KeysPath) wins; otherwise Redis when
    /// Redis:Configuration is set, or else the portal's database.
    /// </summary>
    public static IDataProtectionBuilder PersistKeysToConfiguredStore(this IDataProtectionBuilder builder, IConfiguration config,
        IHostEnvironment environment, RedisConnection? redis)
    {
        if (config["DataProtection:KeysPath"] is { Length: > 0 } k)
            return builder.PersistKeysToFileSystem(new DirectoryInfo(Path.GetFullPath(Path.Combine(environment.ContentRootPath, k))));
        if (redis is not null)
        {
            var prefix = config.GetSection(RedisOptions.SectionName).Get<RedisOptions>()?.KeyPrefix ?? new RedisOptions().KeyPrefix;
            return builder.PersistKeysToStackExchangeRedis(redis.Database, RedisKeyRingName(prefix));
        }
        return builder.PersistKeysToDbContext<Portal.Data.PortalDbContext>();
    }

    public static string RedisKeyRingName(string prefix) => prefix + "DataProtection-Keys";

    /// <summary>Loads and checks the certificate now, so a wrong path or password stops start-up naming the key.</summary>
    public static X509Certificate2 Load(string file, string? password)
    {
        if (!File.Exists(file))
            throw new InvalidOperationException($"{PathKey} (DataProtection__CertificatePath): no file at {file}. Give a PKCS#12 (.pfx) certificate with its private key.");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(file, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"{PathKey} could not be opened with {PasswordKey} (DataProtection__CertificatePassword): {e.Message}", e);
        }
        using var rsa = certificate.GetRSAPrivateKey();
        if (rsa is null)
            throw new InvalidOperationException($"{PathKey} must hold an RSA certificate with its private key: the key ring is decrypted with it.");
        return certificate;
    }
}
