using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Lifecycle;
using Portal.Marketplace.Simulator;
using Portal.Marketplace.Subscriptions;
using Portal.Tests.Infrastructure;
using Portal.Tests.Unit.Marketplace;

namespace Portal.Tests.Integration.Lifecycle;

/// <summary>POST /marketplace/notifications/sns end to end: signed with a certificate the test makes, served locally.</summary>
public sealed class SnsEndpointTests : IAsyncLifetime
{
    private const string Topic = "arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-test";
    private readonly RSA key = RSA.Create(2048);
    private readonly TestSnsCertificates authority = new();
    private FakeAwsServer certificates = null!;
    private PortalAppFactory app = null!;

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
        }, configureServices: authority.TrustIn);
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await certificates.DisposeAsync();
        key.Dispose();
        authority.Dispose();
    }

    private string Delivery(string action, string account, string? messageId = null, string topic = Topic, string type = SnsMessage.Notification,
        bool forge = false, string version = "2")
    {
        var inner = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["action"] = action, ["customer-aws-account-id"] = account, ["product-code"] = PortalAppFactory.PaygProduct,
        });
        var message = new SnsMessage(type, messageId ?? Guid.NewGuid().ToString(), topic, null, inner, "2026-11-24T05:00:00.000Z", version, "",
            new Uri(certificates.Url, "SimpleNotificationService-test.pem").ToString(),
            type == SnsMessage.Notification ? null : new Uri(certificates.Url, "confirm?Action=ConfirmSubscription&Token=t").ToString(),
            type == SnsMessage.Notification ? null : "t");
        var signature = key.SignData(Encoding.UTF8.GetBytes(message.StringToSign()), version == "1" ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256,
            RSASignaturePadding.Pkcs1);
        var body = new Dictionary<string, string?>
        {
            ["Type"] = type, ["MessageId"] = message.MessageId, ["TopicArn"] = topic, ["Message"] = forge ? inner.Replace(action, "unsubscribe-success") : inner,
            ["Timestamp"] = message.Timestamp, ["SignatureVersion"] = version, ["Signature"] = Convert.ToBase64String(signature),
            ["SigningCertURL"] = message.SigningCertUrl, ["SubscribeURL"] = message.SubscribeUrl, ["Token"] = message.Token,
        };
        return JsonSerializer.Serialize(body);
    }

    private async Task<HttpStatusCode> PostAsync(string body)
    {
        using var client = app.CreateBrowser();
        return (await client.PostAsync("/marketplace/notifications/sns", new StringContent(body, Encoding.UTF8, "text/plain"))).StatusCode;
    }

    private async Task LandAsync(string account)
    {
        var token = app.Services.GetRequiredService<SimulatorTokens>().Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, account);
        using var browser = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.SeeOther,
            (await browser.PostAsync("/marketplace/landing", new FormUrlEncodedContent([new("x-amzn-marketplace-token", token)]))).StatusCode);
    }

    private async Task<SubscriptionStatus> StatusAsync()
    {
        await using var db = app.CreateDbContext();
        return (await db.Subscriptions.SingleAsync()).Status;
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public async Task SubscribeSuccess_Signed_ActivatesOnceEvenWhenRedelivered(string version)
    {
        await LandAsync("123456789012");
        var delivery = Delivery("subscribe-success", "123456789012", version: version);

        Assert.Equal(HttpStatusCode.OK, await PostAsync(delivery));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(delivery)); // SNS retries: same MessageId

        Assert.Equal(SubscriptionStatus.Active, await StatusAsync());
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Type == "subscription.subscribesuccess"));
    }

    [Fact]
    public async Task Lifecycle_EveryAction_MovesTheSubscription()
    {
        await LandAsync("123456789012");

        await PostAsync(Delivery("subscribe-success", "123456789012"));
        Assert.Equal(SubscriptionStatus.Active, await StatusAsync());
        await PostAsync(Delivery("entitlement-updated", "123456789012"));
        Assert.Equal(SubscriptionStatus.Active, await StatusAsync());
        await PostAsync(Delivery("unsubscribe-pending", "123456789012"));
        Assert.Equal(SubscriptionStatus.PendingCancellation, await StatusAsync());
        await PostAsync(Delivery("unsubscribe-success", "123456789012"));
        Assert.Equal(SubscriptionStatus.Cancelled, await StatusAsync());
        await PostAsync(Delivery("subscribe-success", "123456789012")); // a duplicate after cancellation
        Assert.Equal(SubscriptionStatus.Cancelled, await StatusAsync());
    }

    [Fact]
    public async Task SubscribeFail_MarksFailed()
    {
        await LandAsync("123456789012");

        await PostAsync(Delivery("subscribe-fail", "123456789012"));

        Assert.Equal(SubscriptionStatus.Failed, await StatusAsync());
    }

    [Fact]
    public async Task Notification_BeforeBuyerLands_KeptAndAppliedOnLanding()
    {
        Assert.Equal(HttpStatusCode.OK, await PostAsync(Delivery("subscribe-success", "210987654321")));

        await LandAsync("210987654321");

        Assert.Equal(SubscriptionStatus.Active, await StatusAsync());
    }

    [Fact]
    public async Task OutOfOrder_UnsubscribeSuccessBeforeSubscribeSuccess_StaysCancelled()
    {
        await LandAsync("123456789012");

        await PostAsync(Delivery("unsubscribe-success", "123456789012"));
        await PostAsync(Delivery("subscribe-success", "123456789012"));

        Assert.Equal(SubscriptionStatus.Cancelled, await StatusAsync());
    }

    [Fact]
    public async Task Forged_WrongTopic_Unsigned_Refused403AndNothingApplied()
    {
        await LandAsync("123456789012");

        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(Delivery("subscribe-success", "123456789012", forge: true)));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(Delivery("subscribe-success", "123456789012", topic: "arn:aws:sns:us-east-1:1:other")));
        var unsigned = JsonSerializer.Deserialize<Dictionary<string, string?>>(Delivery("subscribe-success", "123456789012"))!;
        unsigned["Signature"] = "";
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(JsonSerializer.Serialize(unsigned)));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync("not json"));

        Assert.Equal(SubscriptionStatus.Pending, await StatusAsync());
        await using var db = app.CreateDbContext();
        Assert.Equal(0, await db.MarketplaceNotifications.CountAsync());
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("1234567890123456789012345678901234567890")] // longer than the column: SaveChanges would fail with a 500
    [InlineData("12345678901\u0000")]
    public async Task Signed_but_not_an_account_id_is_refused_400_and_nothing_is_kept(string account)
    {
        _ = app.BaseAddress;
        var mark = app.Logs.Lines.Count; // from here: start-up may log its own (PostgreSQL's first migration check)

        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(Delivery("subscribe-success", System.Text.RegularExpressions.Regex.Unescape(account))));

        await using var db = app.CreateDbContext();
        Assert.Equal(0, await db.MarketplaceNotifications.CountAsync());
        Assert.DoesNotContain(app.Logs.Lines.Skip(mark), l => l.StartsWith("Error "));
    }

    [Fact]
    public async Task SubscriptionConfirmation_Signed_VisitsSubscribeUrl()
    {
        Assert.Equal(HttpStatusCode.OK, await PostAsync(Delivery("subscribe-success", "1", type: SnsMessage.SubscriptionConfirmation)));

        Assert.Contains(certificates.Requests, r => r.Path.EndsWith("/confirm"));
    }

    [Fact]
    public async Task NoTopicsConfigured_EndpointOffOutsideSimulatorMode()
    {
        await using var off = new PortalAppFactory(new Dictionary<string, string?> { ["Marketplace:Mode"] = "Aws" });
        using var client = off.CreateBrowser();

        var response = await client.PostAsync("/marketplace/notifications/sns", new StringContent(Delivery("subscribe-success", "1")));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

/// <summary>Different lifecycle messages for one subscription, applied at the same moment, never overwrite each other.</summary>
public sealed class LifecycleConcurrencyTests
{
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Receive_ManyMessagesAtOnce_EachAppliedOnceAndFinalStatusConsistent(string provider)
    {
        await using var pg = provider == "Postgres" ? await PostgresDatabase.CreateAsync() : null;
        await using var app = new PortalAppFactory(postgresConnection: pg?.ConnectionString);
        _ = app.BaseAddress;
        await using (var db = app.CreateDbContext())
        {
            db.Subscriptions.Add(new MarketplaceSubscription
            {
                ProductCode = "p", CustomerAwsAccountId = "123456789012", LicenseArn = "arn:l", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }
        MarketplaceNotification Message(LifecycleAction action) => new()
        {
            MessageId = Guid.NewGuid().ToString(), Source = "sns", Action = action, ProductCode = "p", LicenseArn = "arn:l", ReceivedAt = DateTimeOffset.UtcNow,
        };
        var messages = Enumerable.Range(0, 10).Select(_ => Message(LifecycleAction.SubscribeSuccess))
            .Append(Message(LifecycleAction.UnsubscribePending)).Append(Message(LifecycleAction.EntitlementUpdated)).ToList();

        var results = await Task.WhenAll(messages.Select(async m =>
        {
            using var scope = app.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<LifecycleService>().ReceiveAsync(m);
        }));

        Assert.All(results, r => Assert.Equal(NotificationResult.Applied, r));
        await using var check = app.CreateDbContext();
        Assert.Equal(12, await check.MarketplaceNotifications.CountAsync(n => n.AppliedAt != null));
        Assert.Equal(12, await check.AuditEvents.CountAsync(e => e.Type.StartsWith("subscription.")));
        // Whatever the order, the pending cancellation is never lost: no subscribe-success can move it back.
        Assert.Equal(SubscriptionStatus.PendingCancellation, (await check.Subscriptions.SingleAsync()).Status);
    }
}
