using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Email;
using Portal.Marketplace.Simulator;
using Portal.Operations;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration.Webhooks;
using Portal.Webhooks;
using Xunit.Abstractions;

namespace Portal.Tests.Integration.Operations;

/// <summary>
/// The scale-out topology: two built portals as separate processes on one PostgreSQL database and one Redis, behind
/// nothing but the test's clients. A client's landing budget is one across both; a cookie made by A is read by B
/// (the key ring lives in Redis); queued e-mails and webhook events, with both instances running their workers,
/// each reach maildev and the receiver exactly once.
/// </summary>
public sealed class ScaleOutTests(ITestOutputHelper output)
{
    private const int Emails = 12, Hooks = 12;

    [Fact]
    public async Task Two_processes_share_limits_and_key_ring_through_Redis_and_deliver_each_email_and_webhook_once()
    {
        await using var pg = await PostgresDatabase.CreateAsync();
        await using var redis = await RedisServer.StartAsync();
        await using var maildev = await MaildevServer.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync(WebhookDeliveryTests.Secret);

        // The landing token is sealed with the key ring in Redis, as an instance of the portal would seal it.
        await using var protection = new ServiceCollection().AddLogging().AddDataProtection().SetApplicationName("onboarding-portal")
            .PersistKeysToStackExchangeRedis((await redis.DatabaseAsync()).Multiplexer, KeyRingProtection.RedisKeyRingName(redis.KeyPrefix))
            .Services.BuildServiceProvider();
        var token = new SimulatorTokens(protection.GetRequiredService<IDataProtectionProvider>(), TimeProvider.System)
            .Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, "670000000001");

        var settings = new Dictionary<string, string?>(redis.Settings)
        {
            ["Database:Provider"] = "Postgres", ["ConnectionStrings:Portal"] = pg.ConnectionString,
            ["Marketplace:Mode"] = "Simulator", ["DevTools:Enabled"] = "true", ["Metering:Enabled"] = "false",
            ["Marketplace:Products:0:ProductCode"] = PortalAppFactory.PaygProduct, ["Marketplace:Products:0:Name"] = "Test Analytics",
            ["Brand:Name"] = "Testbrand Cloud", ["Brand:AssetsPath"] = RepoPaths.Combine("wwwroot-assets"),
            ["RateLimits:Enabled"] = "true", ["RateLimits:Landing:PermitLimit"] = "5", ["RateLimits:Landing:Window"] = "00:10:00",
            ["Email:Mode"] = "Smtp", ["Email:From"] = "no-reply@testbrand.example", ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = maildev.SmtpPort.ToString(), ["Email:PollInterval"] = "00:00:00.100", ["Email:RetryBaseDelay"] = "00:00:00.100",
            ["Webhooks:Url"] = receiver.Url.ToString(), ["Webhooks:Secret"] = WebhookDeliveryTests.Secret,
            ["Webhooks:PollInterval"] = "00:00:00.100", ["Webhooks:BaseDelay"] = "00:00:00.050", ["Webhooks:MaxDelay"] = "00:00:00.200",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        await using var a = await PortalProcess.StartAsync(settings);
        await using var b = await PortalProcess.StartAsync(settings);

        // A cookie made by A, read by B.
        var jar = new CookieContainer();
        using var toA = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = jar }) { BaseAddress = a.BaseAddress };
        using var toB = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = jar }) { BaseAddress = b.BaseAddress };
        var statuses = new List<(string Instance, HttpStatusCode Status)>
        {
            ("A", (await toA.PostAsync("/marketplace/landing", new FormUrlEncodedContent([new("x-amzn-marketplace-token", token)]))).StatusCode),
        };
        Assert.Equal(HttpStatusCode.SeeOther, statuses[0].Status);
        foreach (Cookie c in jar.GetCookies(a.BaseAddress)) jar.Add(b.BaseAddress, new Cookie(c.Name, c.Value, "/"));
        Assert.Contains("Finish setting up Test Analytics", WebUtility.HtmlDecode(await toB.GetStringAsync("/onboarding")));

        // The landing budget (5 per client) is one across both: 3 landings on A, then 3 on B; the sixth is refused.
        async Task LandAsync(HttpClient client, string instance) => statuses.Add((instance,
            (await client.PostAsync("/marketplace/landing", new FormUrlEncodedContent([new("x-amzn-marketplace-token", "not-a-token")]))).StatusCode));
        for (var i = 0; i < 2; i++) await LandAsync(toA, "A");
        for (var i = 0; i < 3; i++) await LandAsync(toB, "B");
        output.WriteLine("Landing statuses: " + string.Join(", ", statuses.Select((s, i) => $"#{i + 1} {s.Instance} {(int)s.Status}")));
        Assert.DoesNotContain(statuses.Take(5), s => s.Status == HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[5].Status);

        // Outboxes filled at once while both instances' workers poll.
        await using var db = new PostgresPortalDbContext(new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql(pg.ConnectionString).Options);
        Assert.Empty(await db.DataProtectionKeys.ToListAsync()); // the ring is in Redis, not in the database
        Assert.True(await (await redis.DatabaseAsync()).ListLengthAsync(KeyRingProtection.RedisKeyRingName(redis.KeyPrefix)) >= 1);
        var subscriptionId = (await db.Subscriptions.AsNoTracking().SingleAsync()).Id;
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < Emails; i++)
            db.EmailMessages.Add(new EmailMessage
            {
                To = $"buyer{i}@example.com", Subject = $"Scale-out message {i}", TextBody = $"Body {i}", Kind = "test", Culture = "en",
                CreatedAt = now, Status = EmailStatus.Pending,
            });
        for (var i = 0; i < Hooks; i++)
        {
            var id = $"evt_scaleout{i:D4}";
            db.Set<WebhookDelivery>().Add(new WebhookDelivery
            {
                EventId = id, EventType = "test.scale-out", SubscriptionId = subscriptionId, Status = WebhookDeliveryStatus.Pending,
                Payload = JsonSerializer.Serialize(new { id, type = "test.scale-out", occurredAt = now }), NextAttemptAt = now, CreatedAt = now,
            });
        }
        await db.SaveChangesAsync();

        await WaitAsync(async () => await db.EmailMessages.CountAsync(m => m.Status == EmailStatus.Sent) == Emails
            && await db.Set<WebhookDelivery>().CountAsync(d => d.Status == WebhookDeliveryStatus.Delivered) == Hooks + 1, "every e-mail sent and every event delivered", db);
        await WaitAsync(async () => (await maildev.MessagesAsync()).Count >= Emails && receiver.Requests.Count >= Hooks + 1, "maildev and the receiver to have them", db);
        // A second delivery by the other instance would come within a few poll intervals (100 ms): give it that chance.
        await Task.Delay(TimeSpan.FromSeconds(3));

        var mails = (await maildev.MessagesAsync()).Select(m => m.GetProperty("subject").GetString()!).ToList();
        var hooks = receiver.Requests.Select(r => r.EventIdHeader!).ToList();
        var mailCounts = mails.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        var hookCounts = hooks.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"E-mails queued {Emails}: received at maildev {mails.Count}, distinct {mailCounts.Count}, sent twice or more {mailCounts.Count(c => c.Value > 1)}");
        output.WriteLine($"Webhook events queued {Hooks + 1} (with the landing's): requests at the receiver {hooks.Count}, distinct {hookCounts.Count}, duplicates {receiver.Duplicates}");

        Assert.Equal(Hooks + 1, hookCounts.Count);
        Assert.All(hookCounts, c => Assert.Equal(1, c.Value));
        Assert.Equal(0, receiver.Duplicates);
        Assert.Equal(Emails, mailCounts.Count);
        Assert.All(mailCounts, c => Assert.Equal(1, c.Value));
    }

    private static async Task WaitAsync(Func<Task<bool>> done, string what, PortalDbContext db)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
            {
                var emails = await db.EmailMessages.AsNoTracking().GroupBy(m => m.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
                var hooks = await db.Set<WebhookDelivery>().AsNoTracking().GroupBy(d => d.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
                throw new TimeoutException($"Waited 60 s for {what}; e-mails {string.Join(", ", emails)}; webhooks {string.Join(", ", hooks)}.");
            }
            await Task.Delay(100);
            db.ChangeTracker.Clear();
        }
    }
}
