using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Metering;
using Portal.Organizations;

namespace Portal.Tests.Integration.Metering;

/// <summary>POST /api/v1/usage with an organization's API key, then aggregation into the outbox.</summary>
public sealed class UsageApiTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 18, 10, 30, 0, TimeSpan.Zero);
    private MeteringWorld world = null!;
    private Guid organizationId, subscriptionId;
    private string key = "";

    public async Task InitializeAsync()
    {
        world = new MeteringWorld(Now, settings: new Dictionary<string, string?>
        {
            ["Marketplace:Products:0:Dimensions:0"] = "requests", ["Marketplace:Products:0:Dimensions:1"] = "hosts",
        });
        var subscription = (await world.CustomersAsync(1))[0];
        await using var db = world.Db();
        var org = new Organization { Name = "Acme", CreatedAt = Now };
        db.Organizations.Add(org);
        await db.SaveChangesAsync();
        await db.Subscriptions.Where(s => s.Id == subscription.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.OrganizationId, org.Id));
        (organizationId, subscriptionId) = (org.Id, subscription.Id);
        key = (await world.App.Services.GetRequiredService<ApiKeyService>().CreateAsync(org.Id, "ingest", "test-admin")).PlainKey;
    }

    public async Task DisposeAsync() => await world.DisposeAsync();

    private async Task<HttpResponseMessage> PostAsync(object? body, string? apiKey = null, string contentType = "application/json", string? raw = null)
    {
        using var client = world.App.CreateBrowser();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/usage")
        {
            Content = new StringContent(raw ?? System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, contentType),
        };
        request.Headers.Authorization = new("Bearer", apiKey ?? key);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Usage_is_recorded_once_per_idempotency_key_and_aggregated_per_hour()
    {
        var first = await PostAsync(new { dimension = "requests", quantity = 40, timestamp = Now.AddMinutes(-50), idempotencyKey = "job-1" });
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var retry = await PostAsync(new { dimension = "requests", quantity = 40, timestamp = Now.AddMinutes(-50), idempotencyKey = "job-1" });
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("duplicate", (await retry.Content.ReadFromJsonAsync<Dictionary<string, object>>())!["status"].ToString());
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(new { dimension = "requests", quantity = 2, timestamp = Now.AddMinutes(-40), idempotencyKey = "job-2" })).StatusCode);
        var reused = await PostAsync(new { dimension = "requests", quantity = 41, idempotencyKey = "job-1" });
        Assert.Equal(HttpStatusCode.Conflict, reused.StatusCode);
        Assert.Contains("idempotency-conflict", await reused.Content.ReadAsStringAsync());

        world.Clock.Advance(TimeSpan.FromHours(1));
        await world.Aggregator().AggregateAsync();
        var record = Assert.Single(await world.RecordsAsync());
        Assert.Equal((subscriptionId, "requests", 42L), (record.SubscriptionId, record.Dimension, record.Quantity));
    }

    [Theory]
    [InlineData("{\"dimension\":\"unknown\",\"quantity\":1,\"idempotencyKey\":\"a\"}", "application/json", 422, "invalid-dimension")]
    [InlineData("{\"dimension\":\"requests\",\"quantity\":-1,\"idempotencyKey\":\"a\"}", "application/json", 422, "invalid-quantity")]
    [InlineData("{\"dimension\":\"requests\",\"quantity\":1,\"idempotencyKey\":\"a\",\"timestamp\":\"2026-11-10T00:00:00Z\"}", "application/json", 422, "timestamp-out-of-range")]
    [InlineData("{\"dimension\":\"requests\",\"quantity\":1}", "application/json", 400, "missing-field")]
    [InlineData("{\"dimension\":", "application/json", 400, "malformed-json")]
    [InlineData("dimension=requests", "application/x-www-form-urlencoded", 415, "unsupported-media-type")]
    public async Task Bad_usage_gets_a_clear_problem_and_stores_nothing(string raw, string contentType, int status, string code)
    {
        var response = await PostAsync(null, raw: raw, contentType: contentType);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains(code, await response.Content.ReadAsStringAsync());
        await using var db = world.Db();
        Assert.Equal(0, await db.UsageEvents.CountAsync());
    }

    [Fact]
    public async Task A_wrong_or_revoked_key_is_refused()
    {
        var body = new { dimension = "requests", quantity = 1, idempotencyKey = "k" };
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(body, apiKey: "mpk_not-a-key")).StatusCode);
        var keys = world.App.Services.GetRequiredService<ApiKeyService>();
        var listed = Assert.Single(await keys.ListAsync(organizationId));
        Assert.DoesNotContain(key, listed.KeyHash); // only the hash is stored
        Assert.True(await keys.RevokeAsync(organizationId, listed.Id, "test-admin"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(body)).StatusCode);
    }

    [Fact]
    public async Task The_in_process_recorder_refuses_organizations_without_a_subscription()
    {
        var recorder = world.App.Services.GetRequiredService<IUsageRecorder>();
        var result = await recorder.RecordAsync(Guid.NewGuid(), new UsageInput("requests", 1, null, "x"));
        Assert.Equal(UsageOutcome.NoSubscription, result.Outcome);
        Assert.True((await recorder.RecordAsync(organizationId, new UsageInput("hosts", 3, null, "y"))).Accepted);
    }
}
