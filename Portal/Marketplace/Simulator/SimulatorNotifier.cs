using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Portal.Marketplace.Aws;
using Portal.Marketplace.Lifecycle;
using Portal.Marketplace.Subscriptions;

namespace Portal.Marketplace.Simulator;

/// <summary>
/// Plays AWS's side of lifecycle notifications: SNS deliveries signed (SignatureVersion 2) with a certificate made at
/// start-up, which only simulator mode trusts (it is pinned, never fetched), and EventBridge agreement events with
/// the shared secret. Both go over HTTP to the portal's real endpoints, so every check runs as for AWS.
/// </summary>
public sealed class SimulatorNotifier : IDisposable
{
    public const string CertificatePath = "/_simulator/sns/SimpleNotificationService-simulator.pem";
    private readonly RSA key = RSA.Create(2048);
    private readonly IHttpClientFactory http;
    private readonly MarketplaceEndpointResolver endpoints;
    private readonly IOptions<MarketplaceOptions> options;
    private readonly TimeProvider time;

    public SimulatorNotifier(IHttpClientFactory http, MarketplaceEndpointResolver endpoints, IOptions<MarketplaceOptions> options, TimeProvider time)
    {
        (this.http, this.endpoints, this.options, this.time) = (http, endpoints, options, time);
        var now = DateTimeOffset.UtcNow;
        Certificate = new CertificateRequest("CN=sns.simulator.invalid", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
    }

    public X509Certificate2 Certificate { get; }

    public string TopicArn => $"arn:aws:sns:{options.Value.Region}:000000000000:aws-mp-subscription-notification-simulator";

    public string CertificateUrl => new Uri(endpoints.SelfAddress(), CertificatePath).ToString();

    /// <summary>The pinned certificate for a delivery naming the simulator's certificate URL; null for anything else.</summary>
    public X509Certificate2? PinnedFor(SnsMessage message) =>
        options.Value.Mode == MarketplaceMode.Simulator && message.SigningCertUrl == CertificateUrl ? Certificate : null;

    public async Task<int> SendSnsAsync(string action, MarketplaceSubscription s, CancellationToken ct = default)
    {
        var payload = new Dictionary<string, string> { ["action"] = action, ["product-code"] = s.ProductCode };
        if (s.LicenseArn is { } arn) { payload["customer-aws-account-id"] = s.CustomerAwsAccountId; payload["licenseArn"] = arn; }
        else payload["customer-identifier"] = s.CustomerIdentifier!;
        var message = new SnsMessage(SnsMessage.Notification, Guid.NewGuid().ToString(), TopicArn, null, JsonSerializer.Serialize(payload),
            time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), "2", "", CertificateUrl, null, null);
        var signature = Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(message.StringToSign()), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var body = JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["Type"] = message.Type, ["MessageId"] = message.MessageId, ["TopicArn"] = message.TopicArn, ["Message"] = message.Message,
            ["Timestamp"] = message.Timestamp, ["SignatureVersion"] = "2", ["Signature"] = signature, ["SigningCertURL"] = message.SigningCertUrl,
        });
        using var client = http.CreateClient("simulator-notifier");
        var response = await client.PostAsync(new Uri(endpoints.SelfAddress(), "/marketplace/notifications/sns"), new StringContent(body, Encoding.UTF8, "text/plain"), ct);
        return (int)response.StatusCode;
    }

    /// <summary>
    /// Sends one change the way AWS does to a vendor that is both manufacturer and proposer: agreement events twice
    /// (Manufacturer and Proposer), License events once (Manufacturer), each in the shape of the seller guide's examples
    /// (https://docs.aws.amazon.com/marketplace/latest/userguide/notifications-eventbridge.html): agreement events name
    /// the agreement, acceptor and offer only; License events add the product, the license and the agreement id.
    /// </summary>
    public async Task<int[]> SendEventBridgeAsync(string baseType, MarketplaceSubscription s, string status = "ACTIVE", CancellationToken ct = default)
    {
        var results = new List<int>();
        // The portal learns which agreement a license belongs to only from a License event; AWS sends one when it
        // provisions the license, so a simulated agreement the portal has not linked yet is preceded by one.
        if (!baseType.StartsWith("License ", StringComparison.Ordinal) && s.AgreementId is null)
            results.AddRange(await SendEventBridgeAsync("License Updated", s, ct: ct));
        foreach (var body in EventBridgeBodies(baseType, s, status, time.GetUtcNow()))
        {
            using var client = http.CreateClient("simulator-notifier");
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoints.SelfAddress(), "/marketplace/notifications/eventbridge"))
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add(options.Value.EventBridge.HeaderName, options.Value.EventBridge.Secret);
            results.Add((int)(await client.SendAsync(request, ct)).StatusCode);
        }
        return [.. results];
    }

    /// <summary>
    /// The events AWS sends for one change, as JSON: agreement events twice (Manufacturer and Proposer, one request id),
    /// License events once. Public so a driver posting to another portal process (the crash test) sends the same shapes.
    /// </summary>
    public static IReadOnlyList<string> EventBridgeBodies(string baseType, MarketplaceSubscription s, string status, DateTimeOffset now)
    {
        var requestId = Guid.NewGuid().ToString();
        var agreementId = AgreementIdOf(s);
        var isLicense = baseType.StartsWith("License ", StringComparison.Ordinal);
        var bodies = new List<string>();
        foreach (var role in isLicense ? ["Manufacturer"] : new[] { "Manufacturer", "Proposer" })
        {
            var detail = new Dictionary<string, object?>
            {
                ["requestId"] = requestId, ["catalog"] = "AWSMarketplace",
                ["agreement"] = isLicense ? new Dictionary<string, object?> { ["id"] = agreementId }
                    : new Dictionary<string, object?> { ["id"] = agreementId, ["intent"] = baseType.EndsWith("Amended", StringComparison.Ordinal) ? "AMEND" : "NEW", ["status"] = status },
                ["acceptor"] = new { accountId = s.CustomerAwsAccountId }, ["proposer"] = new { accountId = "000000000000" },
                ["offer"] = new { id = "offer-simulator0000" },
            };
            if (isLicense)
            {
                detail["product"] = new { code = s.ProductCode, id = "prod-simulator" };
                detail["license"] = new { arn = s.LicenseArn };
            }
            bodies.Add(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["version"] = "0", ["id"] = Guid.NewGuid().ToString(), ["detail-type"] = $"{baseType} - {role}", ["source"] = EventBridgeEndpointsSource,
                ["account"] = "000000000000", ["time"] = now.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ["region"] = "us-east-1", ["resources"] = new[] { $"arn:aws:aws-marketplace::aws:agreement:{agreementId}" },
                ["detail"] = detail,
            }));
        }
        return bodies;
    }

    /// <summary>The simulated agreement behind a license: stable, so every event of one purchase names the same agreement.</summary>
    public static string AgreementIdOf(MarketplaceSubscription s) => s.AgreementId
        ?? "agmt-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s.LicenseArn ?? s.CustomerIdentifier ?? s.Id.ToString())))[..25];

    private const string EventBridgeEndpointsSource = "aws.agreement-marketplace";

    public void Dispose()
    {
        Certificate.Dispose();
        key.Dispose();
    }
}
