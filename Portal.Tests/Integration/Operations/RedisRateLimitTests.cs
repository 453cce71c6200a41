using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;
using Portal.Operations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Operations;

/// <summary>
/// With Redis:Configuration set, the limits that never pass the HTTP middleware (account actions in a circuit, usage per
/// API key) are one budget across instances; and a Redis outage neither fails a page nor lifts the limits.
/// </summary>
public sealed class RedisRateLimitTests
{
    private static Dictionary<string, string?> Settings(RedisServer redis, IDictionary<string, string?> limits)
    {
        var s = redis.Settings;
        s["RateLimits:Enabled"] = "true";
        foreach (var (k, v) in limits) s[k] = v;
        return s;
    }

    [Fact]
    public async Task Account_actions_and_usage_keys_share_one_budget_across_two_instances()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = Settings(redis, new Dictionary<string, string?>
        {
            ["RateLimits:AccountsPerAccount:PermitLimit"] = "3", ["RateLimits:AccountsPerAccount:Window"] = "00:10:00",
            ["RateLimits:AccountsPerClient:PermitLimit"] = "100", ["RateLimits:AccountsPerClient:Window"] = "00:10:00",
            ["RateLimits:Usage:PermitLimit"] = "3", ["RateLimits:Usage:Window"] = "00:10:00",
        });
        await using var a = new PortalAppFactory(settings);
        await using var b = new PortalAppFactory(settings);
        var (throttleA, throttleB) = (a.Services.GetRequiredService<AccountThrottle>(), b.Services.GetRequiredService<AccountThrottle>());

        await throttleA.DemandAsync(AccountAction.SignIn, "shared@example.com");
        await throttleB.DemandAsync(AccountAction.SignIn, "Shared@Example.com ");
        await throttleA.DemandAsync(AccountAction.SignIn, "shared@example.com");
        var refused = await Assert.ThrowsAsync<AccountThrottledException>(() => throttleB.DemandAsync(AccountAction.SignIn, "shared@example.com"));
        Assert.InRange(refused.Seconds, 1, 600);
        await throttleB.DemandAsync(AccountAction.SignIn, "someone.else@example.com"); // another account keeps its own budget
        await throttleB.DemandAsync(AccountAction.PasswordReset, "shared@example.com"); // and another action

        var (limitsA, limitsB) = (a.Services.GetRequiredService<UsageKeyLimits>(), b.Services.GetRequiredService<UsageKeyLimits>());
        var key = Guid.NewGuid();
        Assert.Null(await limitsA.AdmitAsync(new DefaultHttpContext(), key));
        Assert.Null(await limitsB.AdmitAsync(new DefaultHttpContext(), key));
        Assert.Null(await limitsA.AdmitAsync(new DefaultHttpContext(), key));
        var ctx = new DefaultHttpContext();
        var problem = Assert.IsType<ProblemHttpResult>(await limitsB.AdmitAsync(ctx, key));
        Assert.Equal(StatusCodes.Status429TooManyRequests, problem.StatusCode);
        Assert.InRange(int.Parse(ctx.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture), 1, 600);
        Assert.Null(await limitsB.AdmitAsync(new DefaultHttpContext(), Guid.NewGuid()));
    }

    [Fact]
    public async Task With_Redis_down_pages_still_answer_limits_fall_back_to_each_instance_and_ready_reports_Degraded()
    {
        await using var redis = await RedisServer.StartAsync(own: true);
        await using var app = new PortalAppFactory(Settings(redis, new Dictionary<string, string?>
        {
            ["RateLimits:Landing:PermitLimit"] = "2", ["RateLimits:Landing:Window"] = "00:10:00",
        }));
        using var browser = app.CreateBrowser();
        Assert.Equal("Healthy", await RedisCheckAsync(browser));

        await redis.StopAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            statuses.Add((await browser.PostAsync("/marketplace/landing", new FormUrlEncodedContent([new("x-amzn-marketplace-token", "not-a-token")]))).StatusCode);

        Assert.All(statuses, s => Assert.True((int)s < 500, $"statuses {string.Join(", ", statuses)}"));
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(2));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[2]); // this instance's own window still holds
        Assert.Equal("Degraded", await RedisCheckAsync(browser));
        Assert.Contains(app.Logs.Lines, l => l.Contains("Redis did not answer a rate-limit check", StringComparison.Ordinal));
    }

    private static async Task<string?> RedisCheckAsync(HttpClient browser)
    {
        var response = await browser.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // Degraded still serves: a load balancer keeps the instance
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString();
    }
}
