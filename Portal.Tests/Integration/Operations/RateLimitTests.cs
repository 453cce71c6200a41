using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Simulator;
using Portal.Metering;
using Portal.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Operations;

/// <summary>The rate limits on the public endpoints: per IP for the landing and AWS's endpoints, per key for usage.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private PortalAppFactory app = null!;

    public Task InitializeAsync()
    {
        app = new PortalAppFactory(new Dictionary<string, string?>
        {
            ["RateLimits:Enabled"] = "true",
            ["RateLimits:Landing:PermitLimit"] = "3", ["RateLimits:Landing:Window"] = "00:10:00",
            ["RateLimits:Notifications:PermitLimit"] = "2", ["RateLimits:Notifications:Window"] = "00:10:00",
            ["RateLimits:Usage:PermitLimit"] = "2", ["RateLimits:Usage:Window"] = "00:10:00",
        });
        _ = app.BaseAddress;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private FormUrlEncodedContent Landing(string account) => new([new("x-amzn-marketplace-token",
        app.Services.GetRequiredService<SimulatorTokens>().Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, account))]);

    [Fact]
    public async Task The_landing_beyond_its_limit_gets_a_localized_429_page_with_Retry_After_and_stores_nothing()
    {
        using var browser = app.CreateBrowser();
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.SeeOther, (await browser.PostAsync("/marketplace/landing", Landing($"65000000000{i}"))).StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/marketplace/landing") { Content = Landing("650000000009") };
        request.Headers.AcceptLanguage.ParseAdd("ja");
        var refused = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("現在アクセスが集中しています", html);
        await using var db = app.CreateDbContext();
        Assert.Equal(3, await db.Subscriptions.CountAsync());
    }

    [Fact]
    public async Task AWS_notification_endpoints_are_limited_per_client()
    {
        using var client = app.CreateBrowser();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            statuses.Add((await client.PostAsync("/marketplace/notifications/sns", new StringContent("{}", Encoding.UTF8, "text/plain"))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[2]);
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(2));
    }

    [Fact]
    public async Task Usage_is_limited_per_API_key_and_one_key_does_not_starve_another()
    {
        Guid org;
        await using (var db = app.CreateDbContext())
        {
            var o = new Organization { Name = "Acme", CreatedAt = DateTimeOffset.UtcNow };
            db.Organizations.Add(o);
            await db.SaveChangesAsync();
            org = o.Id;
        }
        var keys = app.Services.GetRequiredService<ApiKeyService>();
        var first = (await keys.CreateAsync(org, "a", "t")).PlainKey;
        var second = (await keys.CreateAsync(org, "b", "t")).PlainKey;
        using var client = app.CreateBrowser();
        async Task<HttpResponseMessage> Send(string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/usage")
            {
                Content = new StringContent("{\"dimension\":\"requests\",\"quantity\":1,\"idempotencyKey\":\"" + Guid.NewGuid() + "\"}", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new("Bearer", key);
            return await client.SendAsync(request);
        }
        await Send(first);
        await Send(first);
        var refused = await Send(first);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("too-many-requests", await refused.Content.ReadAsStringAsync());
        Assert.True(refused.Headers.Contains("Retry-After"));
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await Send(second)).StatusCode);
    }
}

/// <summary>
/// The usage API counts per client IP before it looks a key up, so a client rotating made-up keys runs out like any
/// other; the per-key limit applies only to keys that exist.
/// </summary>
public sealed class UsageRateLimitTests : IAsyncLifetime
{
    private readonly PortalAppFactory app = new(new Dictionary<string, string?>
    {
        ["RateLimits:Enabled"] = "true",
        ["RateLimits:UsagePerClient:PermitLimit"] = "5", ["RateLimits:UsagePerClient:Window"] = "00:10:00",
        ["RateLimits:Usage:PermitLimit"] = "100", ["RateLimits:Usage:Window"] = "00:10:00",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Rotating_made_up_keys_runs_into_the_per_client_limit_before_any_lookup()
    {
        using var client = app.CreateBrowser();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/usage")
            {
                Content = new StringContent("{\"dimension\":\"requests\",\"quantity\":1,\"idempotencyKey\":\"k\"}", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new("Bearer", "mpk_madeup" + Guid.NewGuid().ToString("N"));
            statuses.Add((await client.SendAsync(request)).StatusCode);
        }

        Assert.All(statuses.Take(5), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.All(statuses.Skip(5), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
    }
}
