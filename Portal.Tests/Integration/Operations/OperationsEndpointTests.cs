using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Simulator;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Operations;

/// <summary>What a load balancer, a scraper and an operator reading logs get from the portal.</summary>
public sealed class OperationsEndpointTests : IAsyncLifetime
{
    private PortalAppFactory app = null!;

    public Task InitializeAsync() { app = new PortalAppFactory(); _ = app.BaseAddress; return Task.CompletedTask; }
    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<HttpResponseMessage> LandAsync(HttpClient browser, string account)
    {
        var token = app.Services.GetRequiredService<SimulatorTokens>().Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, account);
        return await browser.PostAsync("/marketplace/landing", new FormUrlEncodedContent([new("x-amzn-marketplace-token", token)]));
    }

    [Fact]
    public async Task Live_and_ready_answer_and_ready_reports_the_database_and_the_feature_switches()
    {
        using var client = app.CreateBrowser();
        var live = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Healthy", json.GetProperty("status").GetString());
        Assert.Equal("Healthy", json.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        var features = json.GetProperty("checks").GetProperty("features").GetProperty("data");
        Assert.StartsWith("off", features.GetProperty("webhooks").GetString());
        Assert.Equal("Simulator", features.GetProperty("marketplaceMode").GetString());
    }

    [Fact]
    public async Task Ready_fails_when_the_database_lacks_its_migrations()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await using (var db = app.CreateDbContext())
            await db.Database.ExecuteSqlRawAsync("DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" LIKE '%Operations'");

        using var client = app.CreateBrowser();
        var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("not applied", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode); // alive, just not ready
    }

    [Fact]
    public async Task Metrics_are_exposed_in_the_Prometheus_text_format()
    {
        using var browser = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.SeeOther, (await LandAsync(browser, "610000000001")).StatusCode);
        using var bad = app.CreateBrowser();
        await bad.PostAsync("/marketplace/landing", new FormUrlEncodedContent([new("x-amzn-marketplace-token", "not-a-token")]));
        Assert.Equal(HttpStatusCode.BadRequest, (await bad.PostAsync("/marketplace/notifications/sns", new StringContent("not json"))).StatusCode);

        var response = await browser.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString());
        Assert.Contains("# TYPE portal_landings_total counter", text);
        Assert.Contains("# HELP portal_landings_total Landings by outcome (started or the problem)", text);
        // OpenTelemetry's exporter labels every series with its meter (otel_scope_name) besides our own tags.
        Assert.Matches(@"(?m)^portal_landings_total\{otel_scope_name=""Portal"",outcome=""started""\} [1-9]", text);
        Assert.Matches(@"(?m)^portal_landings_total\{otel_scope_name=""Portal"",outcome=""InvalidToken""\} [1-9]", text);
        // A feature's own meter (Portal.Marketplace), and the HTTP server and runtime instruments beside ours.
        Assert.Matches(@"(?m)^portal_sns_rejected_total\{otel_scope_name=""Portal.Marketplace"",reason=""malformed""\} [1-9]", text);
        Assert.Matches(@"(?m)^http_server_request_duration_seconds_count\{[^}]*http_route=""/marketplace/landing""[^}]*\} [1-9]", text);
        Assert.Contains("# TYPE dotnet_gc_collections_total counter", text);
    }

    [Fact]
    public async Task Every_log_line_of_a_request_carries_its_correlation_id()
    {
        using var browser = app.CreateBrowser();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/marketplace/landing")
        {
            Content = new FormUrlEncodedContent([new("x-amzn-marketplace-token",
                app.Services.GetRequiredService<SimulatorTokens>().Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, "610000000002"))]),
        };
        request.Headers.Add("X-Correlation-Id", "lb-7f3a9");
        var response = await browser.SendAsync(request);

        Assert.Equal("lb-7f3a9", response.Headers.GetValues("X-Correlation-Id").Single());
        Assert.Contains(app.Logs.Lines, l => l.Contains("Landing resolved account") && l.Contains("CorrelationId=lb-7f3a9"));

        using var hostile = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        hostile.Headers.TryAddWithoutValidation("X-Correlation-Id", "x\" onload=alert(1) " + new string('a', 80));
        var replaced = (await browser.SendAsync(hostile)).Headers.GetValues("X-Correlation-Id").Single();
        Assert.DoesNotContain("onload", replaced); // an unsafe id is replaced by the request's own
    }

    [Fact]
    public async Task The_data_protection_key_ring_is_kept_in_the_database_when_no_folder_is_configured()
    {
        await using var shared = new PortalAppFactory(new Dictionary<string, string?> { ["DataProtection:KeysPath"] = null });
        var token = shared.Services.GetRequiredService<SimulatorTokens>().Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, "610000000003");
        using var browser = shared.CreateBrowser();
        Assert.Equal(HttpStatusCode.SeeOther,
            (await browser.PostAsync("/marketplace/landing", new FormUrlEncodedContent([new("x-amzn-marketplace-token", token)]))).StatusCode);

        await using var db = shared.CreateDbContext();
        var key = await db.DataProtectionKeys.SingleAsync();
        Assert.Contains("<key id=", key.Xml);
    }
}
