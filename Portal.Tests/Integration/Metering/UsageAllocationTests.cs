using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Metering;
using Portal.Organizations;

namespace Portal.Tests.Integration.Metering;

/// <summary>
/// Usage split by tags (AWS's UsageAllocations): validated at POST /api/v1/usage per AWS's rules, kept through
/// aggregation (one record per hour and dimension whose buckets add up to its quantity) and sent to AWS.
/// </summary>
public sealed class UsageAllocationTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 18, 10, 30, 0, TimeSpan.Zero);
    private MeteringWorld world = null!;
    private string key = "";
    private string licenseArn = "";

    public async Task InitializeAsync()
    {
        world = new MeteringWorld(Now);
        var subscription = (await world.CustomersAsync(1))[0];
        licenseArn = subscription.LicenseArn!;
        await using var db = world.Db();
        var org = new Organization { Name = "Acme", CreatedAt = Now };
        db.Organizations.Add(org);
        await db.SaveChangesAsync();
        await db.Subscriptions.Where(s => s.Id == subscription.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.OrganizationId, org.Id));
        key = (await world.App.Services.GetRequiredService<ApiKeyService>().CreateAsync(org.Id, "ingest", "test-admin")).PlainKey;
    }

    public async Task DisposeAsync() => await world.DisposeAsync();

    private async Task<HttpResponseMessage> PostAsync(string json)
    {
        using var client = world.App.CreateBrowser();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/usage") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", key);
        return await client.SendAsync(request);
    }

    private static string Usage(long quantity, string idempotencyKey, string allocations, int minutesAgo = 50) =>
        $$"""{"dimension":"requests","quantity":{{quantity}},"timestamp":"{{Now.AddMinutes(-minutesAgo):O}}","idempotencyKey":"{{idempotencyKey}}","allocations":{{allocations}}}""";

    [Fact]
    public async Task Allocations_are_kept_through_aggregation_and_sent_as_UsageAllocations_adding_up_to_the_quantity()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(Usage(5, "a",
            """[{"quantity":3,"tags":[{"key":"team","value":"red"}]},{"quantity":2,"tags":[{"key":"team","value":"blue"},{"key":"env","value":"prod"}]}]"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(Usage(4, "b", """[{"quantity":4,"tags":[{"key":"team","value":"red"}]}]""", 40))).StatusCode);
        // Usage without allocations in the same hour lands in the untagged bucket, so the buckets still add up.
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(Usage(6, "c", "null", 35))).StatusCode);

        world.Clock.Advance(TimeSpan.FromHours(1));
        await world.Aggregator().AggregateAsync();
        var record = Assert.Single(await world.RecordsAsync());
        Assert.Equal(15, record.Quantity);
        Assert.Equal(UsageAllocations.Serialize(new UsageAllocations.Buckets
        {
            [""] = 6, ["[[\"team\",\"red\"]]"] = 7, ["[[\"env\",\"prod\"],[\"team\",\"blue\"]]"] = 2,
        }), record.Allocations);

        var sent = await world.Sender().SendDueAsync();
        Assert.Equal(1, sent.Sent);
        var wire = MeteringSender.ToUsageRecord((await world.RecordsAsync())[0]).UsageAllocations;
        Assert.NotNull(wire);
        Assert.Equal(15, wire.Sum(x => x.AllocatedUsageQuantity));
        Assert.Null(wire.Single(x => x.AllocatedUsageQuantity == 6).Tags); // AWS: the untagged bucket leaves Tags out
        Assert.Equal(15, world.Aws.Metered.Single(m => m.Key.Contains(licenseArn, StringComparison.Ordinal)).Value.Quantity);
    }

    [Fact]
    public async Task Usage_added_to_a_stored_record_merges_its_allocations_in_sql_while_it_is_open()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(Usage(2, "first", """[{"quantity":2,"tags":[{"key":"project","value":"x"}]}]"""))).StatusCode);
        await world.Aggregator().AggregateAsync(); // its hour has closed: a stored record, not sent yet
        Assert.Single(await world.RecordsAsync());
        // A late report of that hour, aggregated into the stored, still open record.
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(Usage(3, "late", """[{"quantity":1,"tags":[{"key":"project","value":"x"}]},{"quantity":2}]""", 45))).StatusCode);
        await world.Aggregator().AggregateAsync();

        var record = Assert.Single(await world.RecordsAsync());
        Assert.Equal(5, record.Quantity);
        Assert.Equal(UsageAllocations.Serialize(new UsageAllocations.Buckets { [""] = 2, ["[[\"project\",\"x\"]]"] = 3 }), record.Allocations);
    }

    [Theory]
    [InlineData("""[{"quantity":2,"tags":[{"key":"team","value":"red"}]}]""", "add up to 2, not to the quantity 5")]
    [InlineData("""[{"quantity":5,"tags":[{"key":"t","value":"a"},{"key":"u","value":"a"},{"key":"v","value":"a"},{"key":"w","value":"a"},{"key":"x","value":"a"},{"key":"y","value":"a"}]}]""", "at most 5 tags")]
    [InlineData("""[{"quantity":5,"tags":[{"key":"team","value":""}]}]""", "tag value")]
    [InlineData("""[{"quantity":5,"tags":[{"key":"团队","value":"a"}]}]""", "tag key")]
    [InlineData("""[{"quantity":2,"tags":[{"key":"team","value":"a"}]},{"quantity":3,"tags":[{"key":"team","value":"a"}]}]""", "same tags")]
    [InlineData("""[{"quantity":5,"tags":[{"key":"team","value":"a"},{"key":"team","value":"b"}]}]""", "twice")]
    [InlineData("[]", "1 to 50")]
    public async Task Allocations_that_break_AWS_rules_are_refused_with_a_problem_and_nothing_is_stored(string allocations, string expected)
    {
        var response = await PostAsync(Usage(5, "bad", allocations));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("invalid-allocations", body);
        Assert.Contains(expected, body);
        await using var db = world.Db();
        Assert.Equal(0, await db.UsageEvents.CountAsync());
    }

    [Fact]
    public async Task A_retry_with_other_allocations_is_an_idempotency_conflict()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(Usage(5, "k", """[{"quantity":5,"tags":[{"key":"team","value":"red"}]}]"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Usage(5, "k", """[{"quantity":5,"tags":[{"key":"team","value":"red"}]}]"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(Usage(5, "k", """[{"quantity":5,"tags":[{"key":"team","value":"blue"}]}]"""))).StatusCode);
    }
}
