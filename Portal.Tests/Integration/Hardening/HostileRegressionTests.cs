using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Hardening;

/// <summary>One test per defect the malformed-request flood found, so each fix stays fixed on its own.</summary>
public sealed class HostileRegressionTests : IAsyncLifetime
{
    private const string Secret = "hostile-regression-secret-0123456789abcdef";
    private readonly PortalAppFactory app = new(new Dictionary<string, string?> { ["Marketplace:EventBridge:Secret"] = Secret });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Theory]
    [InlineData("/marketplace/landing")]
    [InlineData("/")]
    public async Task A_forwarded_host_no_uri_can_hold_gets_400_not_a_crash(string path)
    {
        // Loopback is a trusted proxy by default, so the test's X-Forwarded-Host is applied as a proxy's would be.
        // Before the fix each of these was a 500: the landing's problem page (and any page) built its base URI from it.
        using var client = app.CreateBrowser();
        var mark = app.Logs.Lines.Count; // from here: start-up may log its own (PostgreSQL's first migration check)
        foreach (var host in new[] { new string('h', 300), "a." + new string('x', 2000) + ".example" })
        {
            using var request = new HttpRequestMessage(path == "/" ? HttpMethod.Get : HttpMethod.Post, path)
            {
                Content = path == "/" ? null : new FormUrlEncodedContent([new("x-amzn-marketplace-token", "abc")]),
            };
            request.Headers.TryAddWithoutValidation("X-Forwarded-Host", host);
            Assert.Equal((host, HttpStatusCode.BadRequest), (host, (await client.SendAsync(request)).StatusCode));
        }
        Assert.DoesNotContain(app.Logs.Lines.Skip(mark), l => l.StartsWith("Error "));
    }

    [Theory]
    [InlineData("<script>alert(1)</script>", PortalAppFactory.PaygProduct)]
    [InlineData("12345678901\u0000", PortalAppFactory.PaygProduct)]
    [InlineData("123456789012", "'; DROP TABLE Users; --")]
    [InlineData("123456789012", "\u202Eevil")]
    public async Task An_eventbridge_event_with_identifiers_not_of_aws_shape_is_refused_and_not_kept(string account, string product)
    {
        Assert.Equal(HttpStatusCode.BadRequest, await PostEventAsync(account, product));

        await using var db = app.CreateDbContext();
        Assert.Equal(0, await db.MarketplaceNotifications.CountAsync());
    }

    [Fact]
    public async Task An_eventbridge_event_for_another_product_of_the_seller_is_acknowledged_and_not_kept()
    {
        Assert.Equal(HttpStatusCode.OK, await PostEventAsync("123456789012", "otherproduct0000000000001"));

        await using var db = app.CreateDbContext();
        Assert.Equal(0, await db.MarketplaceNotifications.CountAsync());
    }

    private async Task<HttpStatusCode> PostEventAsync(string account, string product)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            // A License event (the seller guide's shape): the events that carry a product code and an account.
            ["version"] = "0", ["id"] = Guid.NewGuid().ToString(), ["detail-type"] = "License Updated - Manufacturer",
            ["source"] = "aws.agreement-marketplace", ["time"] = "2026-11-26T03:00:00Z",
            ["detail"] = new Dictionary<string, object>
            {
                ["requestId"] = "r", ["product"] = new { code = product }, ["agreement"] = new { id = "agmt-r" },
                ["license"] = new { arn = "arn:aws:license-manager::123456789012:license:l-r" }, ["acceptor"] = new { accountId = account },
            },
        });
        using var client = app.CreateBrowser();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/marketplace/notifications/eventbridge")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Portal-EventBridge-Secret", Secret);
        return (await client.SendAsync(request)).StatusCode;
    }
}
