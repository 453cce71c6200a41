using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Lifecycle;
using Portal.Marketplace.Simulator;
using Portal.Tests.Infrastructure;
using Portal.Webhooks;

namespace Portal.Tests.Integration.Webhooks;

/// <summary>Subscription changes in the real portal reach a real receiver that checks them as the README says.</summary>
public sealed class WebhookDeliveryTests
{
    internal const string Secret = "test-webhook-secret-0123456789abcdef";
    private const string Account = "123456789012";

    internal static PortalAppFactory App(Uri? url, IDictionary<string, string?>? extra = null, string? postgres = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Webhooks:Url"] = url?.ToString(), ["Webhooks:Secret"] = url is null ? null : Secret,
            ["Webhooks:BaseDelay"] = "00:00:00.050", ["Webhooks:MaxDelay"] = "00:00:00.200",
            ["Webhooks:PollInterval"] = "00:00:00.100", ["Webhooks:Timeout"] = "00:00:05",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) settings[k] = v;
        return new PortalAppFactory(settings, postgres);
    }

    /// <summary>The buyer arrives from AWS through the simulator: the portal records subscription.registered.</summary>
    internal static async Task LandAsync(PortalAppFactory app, string account = Account)
    {
        var token = app.Services.GetRequiredService<SimulatorTokens>().Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, account);
        using var browser = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.SeeOther,
            (await browser.PostAsync("/marketplace/landing", new FormUrlEncodedContent([new("x-amzn-marketplace-token", token)]))).StatusCode);
    }

    /// <summary>Polls until the condition holds; the delays in the options are short, so this is a wait, not a timing check.</summary>
    internal static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited 30 s for {what}.");
            await Task.Delay(50);
        }
    }

    internal static Func<Task<WebhookDelivery>> Row(PortalAppFactory app, string type = "subscription.registered") => async () =>
    {
        await using var db = app.CreateDbContext();
        return await db.Set<WebhookDelivery>().AsNoTracking().SingleAsync(d => d.EventType == type);
    };

    [Fact]
    public async Task Landing_ReceiverVerifiesTheSignedEvent_RowDelivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        await using var app = App(receiver.Url);

        await LandAsync(app);
        var row = await WaitForAsync(Row(app), r => r.Status == WebhookDeliveryStatus.Delivered, "the delivery");

        var evt = Assert.Single(receiver.Accepted);
        var request = Assert.Single(receiver.Requests);
        Assert.Empty(receiver.Rejected);
        Assert.Equal("subscription.registered", evt.GetProperty("type").GetString());
        Assert.StartsWith("evt_", evt.GetProperty("id").GetString());
        Assert.Equal(row.EventId, evt.GetProperty("id").GetString());
        Assert.Equal(row.EventId, request.EventIdHeader);
        Assert.Equal("subscription.registered", request.EventTypeHeader);
        Assert.Equal("application/json", request.ContentType);
        Assert.True(evt.GetProperty("occurredAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        var subscription = evt.GetProperty("subscription");
        Assert.Equal(row.SubscriptionId, subscription.GetProperty("id").GetGuid());
        Assert.Equal(PortalAppFactory.PaygProduct, subscription.GetProperty("productCode").GetString());
        Assert.Equal(Account, subscription.GetProperty("customerAwsAccountId").GetString());
        Assert.Equal("payg", subscription.GetProperty("offerType").GetString());
        Assert.Equal("pending", subscription.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, subscription.GetProperty("organizationId").ValueKind);
        Assert.Equal(1, row.Attempts);
        Assert.Equal(200, row.LastStatusCode);
        Assert.NotNull(row.DeliveredAt);
        Assert.DoesNotContain(Secret, app.Logs.All);
    }

    [Fact]
    public async Task Receiver_TamperedStaleOrReplayed_RejectedOrDeduplicated()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        await using var app = App(receiver.Url);
        await LandAsync(app);
        await WaitForAsync(Row(app), r => r.Status == WebhookDeliveryStatus.Delivered, "the delivery");
        var genuine = Assert.Single(receiver.Requests);
        using var client = new HttpClient();
        Task<HttpResponseMessage> Post(string body, string signature)
        {
            var message = new HttpRequestMessage(HttpMethod.Post, receiver.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            message.Headers.Add("Portal-Signature", signature);
            return client.SendAsync(message);
        }

        var tampered = await Post(genuine.Body.Replace("\"pending\"", "\"active\""), genuine.Signature!);
        var stale = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds();
        var old = await Post(genuine.Body, $"t={stale},v1={WebhookReceiver.Hmac(Secret, $"{stale}.{genuine.Body}")}");
        var replayed = await Post(genuine.Body, genuine.Signature!);

        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        Assert.Equal(["signature", "timestamp"], receiver.Rejected.ToArray());
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Equal(1, receiver.Duplicates);
        Assert.Single(receiver.Accepted);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task LifecycleChange_EventCarriesTheStatusMovedInItsTransaction_InOrder(string provider)
    {
        await using var pg = provider == "Postgres" ? await PostgresDatabase.CreateAsync() : null;
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        await using var app = App(receiver.Url, postgres: pg?.ConnectionString);
        await LandAsync(app);

        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<LifecycleService>().ReceiveAsync(new MarketplaceNotification
            {
                MessageId = Guid.NewGuid().ToString(), Source = "sns", Action = LifecycleAction.SubscribeSuccess,
                ProductCode = PortalAppFactory.PaygProduct, CustomerAwsAccountId = Account, ReceivedAt = DateTimeOffset.UtcNow,
            });
        await WaitForAsync(Row(app, "subscription.subscribesuccess"), r => r.Status == WebhookDeliveryStatus.Delivered, "the lifecycle delivery");

        var events = receiver.Accepted.ToArray();
        Assert.Equal(["subscription.registered", "subscription.subscribesuccess"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("pending", events[0].GetProperty("subscription").GetProperty("status").GetString());
        Assert.Equal("active", events[1].GetProperty("subscription").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Receiver500Twice_DeliveredOnTheThirdAttempt()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        receiver.Answer = n => n <= 2 ? 500 : 200;
        await using var app = App(receiver.Url);
        using var metrics = new WebhookMetrics(app);

        await LandAsync(app);
        var row = await WaitForAsync(Row(app), r => r.Status == WebhookDeliveryStatus.Delivered, "the delivery");

        Assert.Equal(3, row.Attempts);
        Assert.Equal(200, row.LastStatusCode);
        Assert.Null(row.LastError);
        Assert.Equal(3, receiver.Requests.Count);
        Assert.All(receiver.Requests, r => Assert.Equal(row.EventId, r.EventIdHeader));
        Assert.Single(receiver.Accepted);
        Assert.Equal(1, metrics.Delivered);
        Assert.Equal(0, metrics.Failed);
    }

    [Fact]
    public async Task ReceiverDown_KeptPendingWithTheError_DeliveredWhenItComesUp()
    {
        var port = MaildevServer.FreePort();
        await using var app = App(new Uri($"http://127.0.0.1:{port}/hooks/portal"), new Dictionary<string, string?> { ["Webhooks:MaxAttempts"] = "100" });

        await LandAsync(app);
        var waiting = await WaitForAsync(Row(app), r => r.Attempts >= 1, "a failed attempt");
        Assert.Equal(WebhookDeliveryStatus.Pending, waiting.Status);
        Assert.False(string.IsNullOrEmpty(waiting.LastError));
        Assert.Null(waiting.LastStatusCode);

        await using var receiver = await WebhookReceiver.StartAsync(Secret, port);
        var row = await WaitForAsync(Row(app), r => r.Status == WebhookDeliveryStatus.Delivered, "the delivery");

        Assert.Single(receiver.Accepted);
        Assert.True(row.Attempts >= 2);
    }

    [Fact]
    public async Task ReceiverAlwaysFails_GivenUpAfterMaxAttempts()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        receiver.Answer = _ => 503;
        await using var app = App(receiver.Url, new Dictionary<string, string?> { ["Webhooks:MaxAttempts"] = "3" });
        using var metrics = new WebhookMetrics(app);

        await LandAsync(app);
        var row = await WaitForAsync(Row(app), r => r.Status == WebhookDeliveryStatus.Failed, "the delivery to be given up");

        Assert.Equal(3, row.Attempts);
        Assert.Equal(503, row.LastStatusCode);
        Assert.Contains("503", row.LastError);
        Assert.Equal(3, receiver.Requests.Count);
        Assert.Empty(receiver.Accepted);
        Assert.Equal(1, metrics.Failed);
        Assert.Equal(0, metrics.Delivered);
    }

    [Fact]
    public async Task WebhooksOff_NoRows_SaidOnceInTheLog()
    {
        await using var app = App(url: null);

        await LandAsync(app);

        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Type == "subscription.registered"));
        Assert.Equal(0, await db.Set<WebhookDelivery>().CountAsync());
        Assert.Single(app.Logs.Lines, l => l.Contains("Webhooks are off: Webhooks:Url is not set"));
    }

    /// <summary>Reads this portal's Portal.Webhooks counters only (its IMeterFactory), not those of tests running alongside.</summary>
    private sealed class WebhookMetrics : IDisposable
    {
        private readonly MeterListener listener = new();
        private long delivered, failed;

        public WebhookMetrics(PortalAppFactory app)
        {
            var factory = app.Services.GetRequiredService<IMeterFactory>();
            listener.InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == WebhookDeliveryWorker.MeterName && ReferenceEquals(i.Meter.Scope, factory)) l.EnableMeasurementEvents(i);
            };
            listener.SetMeasurementEventCallback<long>((i, value, _, _) =>
            {
                if (i.Name == "portal.webhooks.delivered") Interlocked.Add(ref delivered, value);
                if (i.Name == "portal.webhooks.failed") Interlocked.Add(ref failed, value);
            });
            listener.Start();
        }

        public long Delivered => Interlocked.Read(ref delivered);
        public long Failed => Interlocked.Read(ref failed);

        public void Dispose() => listener.Dispose();
    }
}
