using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Operations;

/// <summary>DataProtection:CertificatePath/Password encrypt the key ring at rest, in a keys folder and in the database.</summary>
public sealed class KeyRingCertificateTests : IDisposable
{
    private const string Password = "pfx-test-password";
    private readonly string dir = Directory.CreateTempSubdirectory("portal-cert-").FullName;
    private readonly string pfx;

    public KeyRingCertificateTests()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=portal key ring test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        pfx = Path.Combine(dir, "keyring.pfx");
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pfx, Password));
    }

    public void Dispose()
    {
        try { Directory.Delete(dir, true); } catch (IOException) { }
    }

    private Dictionary<string, string?> Settings(string? keysPath) => new()
    {
        ["DataProtection:KeysPath"] = keysPath, ["DataProtection:CertificatePath"] = pfx, ["DataProtection:CertificatePassword"] = Password,
    };

    [Fact]
    public async Task Keys_in_a_folder_are_encrypted_and_another_instance_with_the_certificate_reads_them()
    {
        var keys = Path.Combine(dir, "keys");
        string protectedText;
        await using (var first = new PortalAppFactory(Settings(keys)))
            protectedText = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("secret payload");

        var xml = string.Concat(Directory.GetFiles(keys, "*.xml").Select(File.ReadAllText));
        Assert.Contains("encryptedSecret", xml);
        Assert.Contains("EncryptedData", xml);
        Assert.DoesNotContain("<value>", xml); // where a plaintext ring keeps each master key
        Assert.DoesNotContain("unencrypted form", xml);

        await using var second = new PortalAppFactory(Settings(keys));
        Assert.Equal("secret payload", second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(protectedText));
    }

    [Fact]
    public async Task Keys_in_the_database_are_encrypted()
    {
        await using var app = new PortalAppFactory(Settings(null));
        _ = app.BaseAddress; // migrated
        app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("x");

        await using var db = app.CreateDbContext();
        var stored = await db.DataProtectionKeys.Select(k => k.Xml).ToListAsync();
        Assert.NotEmpty(stored);
        Assert.All(stored, x => Assert.Contains("encryptedSecret", x));
        Assert.All(stored, x => Assert.DoesNotContain("unencrypted form", x));
    }

    [Theory]
    [InlineData("missing.pfx", Password, "DataProtection:CertificatePath")]
    [InlineData(null, "wrong-password", "DataProtection:CertificatePassword")]
    public async Task A_wrong_path_or_password_stops_start_up_naming_the_key(string? file, string password, string named)
    {
        var settings = Settings(Path.Combine(dir, "keys"));
        settings["DataProtection:CertificatePath"] = file is null ? pfx : Path.Combine(dir, file);
        settings["DataProtection:CertificatePassword"] = password;
        await using var app = new PortalAppFactory(settings);

        var ex = Assert.ThrowsAny<Exception>(() => app.BaseAddress);

        Assert.Contains(named, ex.ToString());
    }
}
