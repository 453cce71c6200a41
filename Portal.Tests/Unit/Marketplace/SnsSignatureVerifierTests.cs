using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Marketplace.Lifecycle;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Unit.Marketplace;

/// <summary>SNS signatures with certificates the test makes, served by a local HTTP server.</summary>
public sealed class SnsSignatureVerifierTests : IAsyncLifetime
{
    private const string Topic = "arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-test";
    private readonly RSA key = RSA.Create(2048);
    private readonly TestSnsCertificates authority = new();
    private FakeAwsServer server = null!;

    public async Task InitializeAsync()
    {
        // Issued by a root this test trusts, as SNS's certificates are issued by a public root the system trusts.
        var pem = authority.LeafPem(key);
        server = await FakeAwsServer.StartAsync();
        server.Respond = (_, _) => Task.FromResult((200, pem, (string?)null));
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        key.Dispose();
        authority.Dispose();
    }

    private string CertUrl => new Uri(server.Url, "SimpleNotificationService-test.pem").ToString();

    private static Regex Pattern(string url) => new("^" + Regex.Escape(url) + "$");

    private SnsSignatureVerifier Verifier(SnsCertificateTrust? trust = null) => new(
        new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>(),
        TimeProvider.System, NullLogger<SnsSignatureVerifier>.Instance, trust ?? authority.Trust);

    private SnsMessage Signed(string version, string type = SnsMessage.Notification, string topic = Topic, RSA? signer = null)
    {
        var unsigned = new SnsMessage(type, Guid.NewGuid().ToString(), topic, null,
            """{"action":"subscribe-success","customer-identifier":"c1","product-code":"p1"}""", "2026-11-24T05:00:00.000Z", version, "",
            CertUrl, type == SnsMessage.Notification ? null : "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=t",
            type == SnsMessage.Notification ? null : "t0k3n");
        var hash = version == "1" ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256;
        var signature = (signer ?? key).SignData(Encoding.UTF8.GetBytes(unsigned.StringToSign()), hash, RSASignaturePadding.Pkcs1);
        return unsigned with { Signature = Convert.ToBase64String(signature) };
    }

    [Theory]
    [InlineData("1", SnsMessage.Notification)]
    [InlineData("2", SnsMessage.Notification)]
    [InlineData("1", SnsMessage.SubscriptionConfirmation)]
    [InlineData("2", SnsMessage.SubscriptionConfirmation)]
    public async Task Verify_SignedByCertificate_Valid(string version, string type)
    {
        var verdict = await Verifier().VerifyAsync(Signed(version, type), [Topic], Pattern(CertUrl), CancellationToken.None);

        Assert.Equal(SnsVerdict.Valid, verdict);
    }

    [Fact]
    public async Task Verify_MessageChangedAfterSigning_BadSignature()
    {
        var forged = Signed("2") with { Message = """{"action":"unsubscribe-success","customer-identifier":"c1","product-code":"p1"}""" };

        Assert.Equal(SnsVerdict.BadSignature, await Verifier().VerifyAsync(forged, [Topic], Pattern(CertUrl), CancellationToken.None));
    }

    [Fact]
    public async Task Verify_SignedByAnotherKey_BadSignature()
    {
        using var other = RSA.Create(2048);

        Assert.Equal(SnsVerdict.BadSignature, await Verifier().VerifyAsync(Signed("1", signer: other), [Topic], Pattern(CertUrl), CancellationToken.None));
    }

    [Fact]
    public async Task Verify_CertificateFromAnotherHost_Untrusted()
    {
        var defaultPattern = new Regex(@"^https://sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/SimpleNotificationService-[a-zA-Z0-9]+\.pem$");

        Assert.Equal(SnsVerdict.UntrustedCertificateUrl, await Verifier().VerifyAsync(Signed("2"), [Topic], defaultPattern, CancellationToken.None));
        Assert.DoesNotMatch(defaultPattern, "https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-x.pem");
        Assert.Matches(defaultPattern, "https://sns.cn-northwest-1.amazonaws.com.cn/SimpleNotificationService-abc123.pem");
    }

    [Fact]
    public async Task Verify_TopicNotOurs_UnknownTopic()
    {
        var message = Signed("2", topic: "arn:aws:sns:us-east-1:111111111111:someone-else");

        Assert.Equal(SnsVerdict.UnknownTopic, await Verifier().VerifyAsync(message, [Topic], Pattern(CertUrl), CancellationToken.None));
    }

    [Fact]
    public async Task Verify_UnknownSignatureVersion_Refused()
    {
        Assert.Equal(SnsVerdict.UnsupportedVersion,
            await Verifier().VerifyAsync(Signed("2") with { SignatureVersion = "3" }, [Topic], Pattern(CertUrl), CancellationToken.None));
    }

    [Fact]
    public async Task Verify_ExpiredCertificate_Refused()
    {
        var expired = authority.LeafPem(key, notBefore: DateTimeOffset.UtcNow.AddDays(-30), notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        server.Respond = (_, _) => Task.FromResult((200, expired, (string?)null));

        Assert.Equal(SnsVerdict.CertificateExpired, await Verifier().VerifyAsync(Signed("2"), [Topic], Pattern(CertUrl), CancellationToken.None));
    }

    [Fact]
    public async Task Verify_CertificateChainedToAnUntrustedRoot_Refused()
    {
        using var stranger = new TestSnsCertificates("CN=Not A Trusted Root");
        var pem = stranger.LeafPem(key); // right name, right key, but nobody trusts its issuer
        server.Respond = (_, _) => Task.FromResult((200, pem, (string?)null));

        Assert.Equal(SnsVerdict.UntrustedCertificate, await Verifier().VerifyAsync(Signed("2"), [Topic], Pattern(CertUrl), CancellationToken.None));
    }

    [Fact]
    public async Task Verify_SelfSignedCertificate_Refused()
    {
        using var self = new CertificateRequest("CN=sns.us-east-1.amazonaws.com", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        server.Respond = (_, _) => Task.FromResult((200, self.ExportCertificatePem(), (string?)null));

        Assert.Equal(SnsVerdict.UntrustedCertificate, await Verifier().VerifyAsync(Signed("2"), [Topic], Pattern(CertUrl), CancellationToken.None));
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("sns.us-east-1.amazonaws.com.evil.example")]
    [InlineData("evil-sns.us-east-1.amazonaws.com")]
    [InlineData("s3.amazonaws.com")]
    public async Task Verify_TrustedChainButNotIssuedToSns_Refused(string commonName)
    {
        var pem = authority.LeafPem(key, commonName);
        server.Respond = (_, _) => Task.FromResult((200, pem, (string?)null));

        Assert.Equal(SnsVerdict.UntrustedCertificate, await Verifier().VerifyAsync(Signed("2"), [Topic], Pattern(CertUrl), CancellationToken.None));
    }

    [Theory]
    [InlineData("sns.amazonaws.com")]
    [InlineData("sns.eu-west-1.amazonaws.com")]
    [InlineData("sns.cn-northwest-1.amazonaws.com.cn")]
    public async Task Verify_IssuedToSnsOfAnyRegion_Valid(string commonName)
    {
        var pem = authority.LeafPem(key, commonName);
        server.Respond = (_, _) => Task.FromResult((200, pem, (string?)null));

        Assert.Equal(SnsVerdict.Valid, await Verifier().VerifyAsync(Signed("2"), [Topic], Pattern(CertUrl), CancellationToken.None));
    }

    [Fact]
    public async Task Verify_WithTheSystemsRootsOnly_TheTestRootIsNotTrusted()
    {
        Assert.Equal(SnsVerdict.UntrustedCertificate,
            await Verifier(new SnsCertificateTrust()).VerifyAsync(Signed("2"), [Topic], Pattern(CertUrl), CancellationToken.None));
    }

    [Fact]
    public void StringToSign_Notification_FollowsAwsFieldOrder()
    {
        var m = new SnsMessage(SnsMessage.Notification, "id", "arn", "subj", "msg", "ts", "2", "", "url", null, null);

        Assert.Equal("Message\nmsg\nMessageId\nid\nSubject\nsubj\nTimestamp\nts\nTopicArn\narn\nType\nNotification\n", m.StringToSign());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"Type":"Notification"}""")]
    [InlineData("""{"Type":1,"MessageId":"x"}""")]
    public void TryParse_NotAnSnsDelivery_Null(string body) => Assert.Null(SnsMessage.TryParse(Encoding.UTF8.GetBytes(body)));
}
