using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Marketplace;
using Portal.Marketplace.Lifecycle;
using Portal.Marketplace.Simulator;
using Portal.Marketplace.Subscriptions;
using Portal.Metering;
using Portal.Organizations;
using Portal.Tests.Infrastructure;
using Portal.Tests.Unit.Marketplace;
using Xunit.Abstractions;

namespace Portal.Tests.Integration.Hardening;

/// <summary>
/// 10,000 seeded hostile requests against the landing, SNS, EventBridge and usage endpoints: no 5xx, no error
/// logged, and no row stored apart from the three valid messages sent first (whose replays must add nothing).
/// </summary>
public sealed class MalformedRequestTests(ITestOutputHelper output) : IAsyncLifetime
{
    public const int Seed = 20261126; // fixed, so a failure can be replayed exactly
    public const int Count = 10_000;
    public const string Topic = "arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-hostile";
    public const string Secret = "hostile-eventbridge-secret-0123456789abcdef";
    private const string UsageAccount = "411111111111", SnsAccount = "422222222222", EventBridgeAccount = "433333333333";
    private readonly RSA key = RSA.Create(2048);
    private readonly TestSnsCertificates authority = new();
    private FakeAwsServer certificates = null!;
    private PortalAppFactory app = null!;
    private string apiKey = "";

    public async Task InitializeAsync()
    {
        // Issued by a root the portal is told to trust here: it refuses certificates that chain to no trusted root.
        var pem = authority.LeafPem(key);
        certificates = await FakeAwsServer.StartAsync();
        certificates.Respond = (r, _) => Task.FromResult((200, r.Path.EndsWith(".pem") ? pem : "<ConfirmSubscriptionResponse/>", (string?)null));
        app = new PortalAppFactory(new Dictionary<string, string?>
        {
            ["Marketplace:Sns:TopicArns:0"] = Topic,
            ["Marketplace:Sns:CertificateUrlPattern"] = $"^{System.Text.RegularExpressions.Regex.Escape(certificates.Url.ToString())}[A-Za-z0-9-]+\\.pem$",
            ["Marketplace:Sns:SubscribeUrlPattern"] = $"^{System.Text.RegularExpressions.Regex.Escape(certificates.Url.ToString())}confirm\\?",
            ["Marketplace:EventBridge:Secret"] = Secret,
            ["Marketplace:Products:0:Dimensions:0"] = "requests",
            ["Metering:Enabled"] = "false", // no background sends: the row counts are this test's alone
        }, configureServices: authority.TrustIn);
        await using var db = app.CreateDbContext();
        var org = new Organization { Name = "Hostile Inc", CreatedAt = DateTimeOffset.UtcNow };
        db.Organizations.Add(org);
        foreach (var account in new[] { UsageAccount, SnsAccount, EventBridgeAccount })
            db.Subscriptions.Add(new MarketplaceSubscription
            {
                ProductCode = PortalAppFactory.PaygProduct, CustomerAwsAccountId = account, LicenseArn = $"arn:aws:license-manager::{account}:license:l-h",
                OfferType = OfferType.Payg, Status = SubscriptionStatus.Active, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
                OrganizationId = account == UsageAccount ? org.Id : null,
            });
        await db.SaveChangesAsync();
        apiKey = (await app.Services.GetRequiredService<ApiKeyService>().CreateAsync(org.Id, "hostile", "test-admin")).PlainKey;
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await certificates.DisposeAsync();
        key.Dispose();
        authority.Dispose();
    }

    [Fact]
    public async Task Ten_thousand_hostile_requests_get_4xx_and_store_nothing_but_the_valid_first_messages()
    {
        using var client = HostileClient();
        var validSns = ValidSns();
        var validEventBridge = ValidEventBridge();
        var validUsage = Encoding.UTF8.GetBytes("{\"dimension\":\"requests\",\"quantity\":5,\"idempotencyKey\":\"hostile-replay-1\"}");
        var before = await HardeningDb.CountRowsAsync(app);

        // The first of each valid message applies; everything after it is hostile or a replay.
        var credentials = Credentials(validSns, validEventBridge, validUsage);
        var generator = new MalformedRequests(Seed, credentials);
        var first = new[] { (Target.Sns, validSns), (Target.EventBridge, validEventBridge), (Target.Usage, validUsage) };
        var firstStatuses = new List<int>();
        foreach (var (target, body) in first)
            firstStatuses.Add((int)(await client.SendAsync(new HostileRequest(-1, target, "valid", HttpMethod.Post, Path(target), body,
                target == Target.Sns ? "text/plain; charset=UTF-8" : "application/json", Auth(target)).ToMessage())).StatusCode);
        Assert.Equal([200, 200, 202], firstStatuses);
        var afterValid = await HardeningDb.CountRowsAsync(app);
        var logMark = app.Logs.Lines.Count;

        var requests = generator.Generate(Count).ToList();
        var results = new ConcurrentBag<(HostileRequest Request, int Status, string? Error)>();
        var retried = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (r, ct) =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    using var message = r.ToMessage();
                    // The retry goes on a fresh connection: the pooled one may be one the server closed after a refused body.
                    message.Headers.ConnectionClose = attempt > 1;
                    using var response = await client.SendAsync(message, ct);
                    results.Add((r, (int)response.StatusCode, null));
                    break;
                }
                catch (HttpRequestException ex)
                {
                    if (attempt == 1 && r.Category != "huge-body")
                    {
                        Interlocked.Increment(ref retried);
                        continue;
                    }
                    results.Add((r, 0, ex.GetBaseException().Message));
                    break;
                }
            }
        });
        clock.Stop();
        await Task.Delay(200); // lets the last requests' log lines (written after the response) land

        var all = results.OrderBy(r => r.Request.Index).ToList();
        output.WriteLine($"Seed {Seed}: {all.Count} requests in {clock.Elapsed.TotalSeconds:F1} s ({retried} resent once on a fresh connection)");
        foreach (var g in all.GroupBy(r => (r.Request.Target, r.Request.Category)).OrderBy(g => g.Key.Target).ThenBy(g => g.Key.Category))
            output.WriteLine($"{g.Key.Target,-12} {g.Key.Category,-26} {g.Count(),5}  statuses: {string.Join(", ", g.GroupBy(x => x.Status).OrderBy(x => x.Key).Select(x => $"{x.Key}×{x.Count()}"))}");
        foreach (var g in all.GroupBy(r => r.Request.Target)) output.WriteLine($"{g.Key}: {g.Count()}");

        foreach (var l in app.Logs.Lines.Skip(logMark).Where(l => l.StartsWith("Error ") || l.StartsWith("Critical ")).Take(5)) output.WriteLine(l[..Math.Min(l.Length, 4000)]);
        Assert.Equal(Count, all.Count);
        var serverErrors = all.Where(r => r.Status >= 500).ToList();
        Assert.True(serverErrors.Count == 0, $"Seed {Seed}: {serverErrors.Count} answers >= 500, e.g.\n" +
            string.Join('\n', serverErrors.Take(15).Select(r => $"{r.Status} {r.Request}")));
        // The server may cut a body it will never read (a huge one, refused early) before the client finished sending it.
        var broken = all.Where(r => r.Error is not null && r.Request.Category != "huge-body").ToList();
        Assert.True(broken.Count == 0, $"Seed {Seed}: {broken.Count} requests got no answer, e.g.\n" +
            string.Join('\n', broken.Take(15).Select(r => $"{r.Error} {r.Request}")));
        var replays = all.Where(r => r.Request.Category == "replay").ToList();
        Assert.NotEmpty(replays);
        Assert.All(replays, r => Assert.Equal(200, r.Status)); // acknowledged as duplicates

        var errors = app.Logs.Lines.Skip(logMark).Where(l => l.StartsWith("Error ") || l.StartsWith("Critical ")).ToList();
        Assert.True(errors.Count == 0, $"Seed {Seed}: {errors.Count} errors logged, e.g.\n" + string.Join("\n---\n", errors.Take(5).Select(e => e[..Math.Min(e.Length, 3000)])));

        var after = await HardeningDb.CountRowsAsync(app);
        var changed = after.Where(kv => afterValid[kv.Key] != kv.Value).Select(kv => $"{kv.Key}: {afterValid[kv.Key]} → {kv.Value}").ToList();
        Assert.True(changed.Count == 0, $"Seed {Seed}: hostile requests stored rows: {string.Join(", ", changed)}");
        // Exactly what the three valid messages store: a notification and an audit event each for SNS and EventBridge, one usage event.
        var expected = new Dictionary<string, int>(before)
        {
            ["MarketplaceNotifications"] = before["MarketplaceNotifications"] + 2, ["AuditEvents"] = before["AuditEvents"] + 2,
            ["UsageEvents"] = before["UsageEvents"] + 1,
        };
        Assert.Equal(expected, after);
    }

    private HttpClient HostileClient() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 16, AutomaticDecompression = DecompressionMethods.None,
        // Raw UTF-8 bytes in header values, as a hostile client may send; the default would refuse them client-side.
        RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
    }) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    private Credentials Credentials(byte[] sns, byte[] eventBridge, byte[] usage)
    {
        var simulator = app.Services.GetRequiredService<SimulatorNotifier>();
        var options = app.Services.GetRequiredService<IOptions<MarketplaceOptions>>().Value;
        return new(apiKey, options.EventBridge.HeaderName, Secret, Topic, new Uri(certificates.Url, "SimpleNotificationService-hostile.pem").ToString(),
            simulator.TopicArn, simulator.CertificateUrl, sns, eventBridge, usage);
    }

    private static string Path(Target t) => t switch
    {
        Target.Sns => MalformedRequests.SnsPath, Target.EventBridge => MalformedRequests.EventBridgePath, Target.Usage => MalformedRequests.UsagePath,
        _ => MalformedRequests.LandingPath,
    };

    private List<KeyValuePair<string, string>> Auth(Target t) => t switch
    {
        Target.EventBridge => [new("X-Portal-EventBridge-Secret", Secret)],
        Target.Usage => [new("Authorization", "Bearer " + apiKey)],
        _ => [],
    };

    private byte[] ValidSns()
    {
        var inner = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["action"] = "unsubscribe-success", ["customer-aws-account-id"] = SnsAccount, ["product-code"] = PortalAppFactory.PaygProduct,
        });
        var certificateUrl = new Uri(certificates.Url, "SimpleNotificationService-hostile.pem").ToString();
        var message = new SnsMessage(SnsMessage.Notification, "hostile-sns-1", Topic, null, inner, "2026-11-24T05:00:00.000Z", "2", "", certificateUrl, null, null);
        var signature = key.SignData(Encoding.UTF8.GetBytes(message.StringToSign()), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string?>
        {
            ["Type"] = message.Type, ["MessageId"] = message.MessageId, ["TopicArn"] = Topic, ["Message"] = inner, ["Timestamp"] = message.Timestamp,
            ["SignatureVersion"] = "2", ["Signature"] = Convert.ToBase64String(signature), ["SigningCertURL"] = certificateUrl,
        });
    }

    private static byte[] ValidEventBridge() => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
    {
        // A License event in the seller guide's shape: it carries the license, so it is placed at once.
        ["version"] = "0", ["id"] = "hostile-eb-1", ["detail-type"] = "License Deprovisioned - Manufacturer", ["source"] = "aws.agreement-marketplace",
        ["account"] = "999988887777", ["time"] = "2026-11-26T03:00:00Z", ["region"] = "us-east-1", ["resources"] = Array.Empty<string>(),
        ["detail"] = new Dictionary<string, object>
        {
            ["requestId"] = "hostile-req-1", ["product"] = new { code = PortalAppFactory.PaygProduct },
            ["agreement"] = new { id = "agmt-hostile" }, ["license"] = new { arn = $"arn:aws:license-manager::{EventBridgeAccount}:license:l-h" },
            ["acceptor"] = new { accountId = EventBridgeAccount },
        },
    });
}
