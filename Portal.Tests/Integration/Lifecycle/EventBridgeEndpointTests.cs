using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Simulator;
using Portal.Marketplace.Subscriptions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Lifecycle;

/// <summary>POST /marketplace/notifications/eventbridge with aws.agreement-marketplace events, as an API destination sends them.</summary>
public sealed class EventBridgeEndpointTests : IAsyncLifetime
{
    private const string Secret = "eventbridge-shared-secret-0123456789abcdef";
    private PortalAppFactory app = null!;

    public Task InitializeAsync()
    {
        app = new PortalAppFactory(new Dictionary<string, string?> { ["Marketplace:EventBridge:Secret"] = Secret });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    /// <summary>An agreement event in the seller guide's shape: the agreement, acceptor and offer, no product, no license.</summary>
    private static string Event(string detailType, string account, string agreement, string? id = null, string status = "ACTIVE",
        string requestId = "req-1", string source = "aws.agreement-marketplace") => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["version"] = "0", ["id"] = id ?? Guid.NewGuid().ToString(), ["detail-type"] = detailType, ["source"] = source,
        ["account"] = "999988887777", ["time"] = "2026-11-26T03:00:00Z", ["region"] = "us-east-1",
        ["resources"] = new[] { $"arn:aws:aws-marketplace::aws:agreement:{agreement}" },
        ["detail"] = new Dictionary<string, object>
        {
            ["requestId"] = requestId, ["catalog"] = "AWSMarketplace",
            ["agreement"] = new Dictionary<string, object> { ["id"] = agreement, ["status"] = status },
            ["acceptor"] = new { accountId = account }, ["offer"] = new { id = "offer-test" },
        },
    });

    /// <summary>A License event in the seller guide's shape: the product, the license and the agreement it belongs to.</summary>
    private static string License(string detailType, Portal.Marketplace.Subscriptions.MarketplaceSubscription s, string agreement, string requestId = "lic-1") =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["version"] = "0", ["id"] = Guid.NewGuid().ToString(), ["detail-type"] = detailType, ["source"] = "aws.agreement-marketplace",
            ["account"] = "999988887777", ["time"] = "2026-11-26T03:00:00Z", ["region"] = "us-east-1",
            ["resources"] = new[] { $"arn:aws:aws-marketplace::aws:agreement:{agreement}" },
            ["detail"] = new Dictionary<string, object>
            {
                ["requestId"] = requestId, ["catalog"] = "AWSMarketplace", ["agreement"] = new { id = agreement },
                ["product"] = new { code = s.ProductCode, id = "prod-test" }, ["license"] = new { arn = s.LicenseArn! },
                ["acceptor"] = new { accountId = s.CustomerAwsAccountId }, ["offer"] = new { id = "offer-test" },
            },
        });

    private async Task<HttpStatusCode> PostAsync(string body, string? secret = Secret)
    {
        using var client = app.CreateBrowser();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/marketplace/notifications/eventbridge") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (secret is not null) request.Headers.Add("X-Portal-EventBridge-Secret", secret);
        return (await client.SendAsync(request)).StatusCode;
    }

    private async Task<SubscriptionStatus> StatusAsync(Guid id)
    {
        await using var db = app.CreateDbContext();
        return (await db.Subscriptions.SingleAsync(s => s.Id == id)).Status;
    }

    [Fact]
    public async Task The_manufacturer_and_proposer_copies_of_one_change_are_applied_once()
    {
        var s = await app.LandAsync("310000000001");
        Assert.Equal(HttpStatusCode.OK, await PostAsync(License("License Updated - Manufacturer", s, "agmt-1"))); // links agmt-1 to the license

        Assert.Equal(HttpStatusCode.OK, await PostAsync(Event("Purchase Agreement Created - Manufacturer", "310000000001", "agmt-1")));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(Event("Purchase Agreement Created - Proposer", "310000000001", "agmt-1")));

        Assert.Equal(SubscriptionStatus.Active, await StatusAsync(s.Id));
        await using var db = app.CreateDbContext();
        Assert.Equal(2, await db.MarketplaceNotifications.CountAsync(n => n.Source == "eventbridge")); // the license event and one copy
        Assert.Equal(1, await db.AuditEvents.CountAsync(a => a.SubscriptionId == s.Id && a.Type == "subscription.subscribesuccess"));
    }

    [Fact]
    public async Task A_redelivered_event_id_is_applied_once_and_an_ended_agreement_starts_ending()
    {
        var s = await app.LandAsync("310000000002");
        await PostAsync(License("License Updated - Manufacturer", s, "agmt-2"));
        var ended = Event("Purchase Agreement Ended - Manufacturer", "310000000002", "agmt-2", id: "evt-ended", status: "CANCELLED", requestId: "req-2");

        Assert.Equal(HttpStatusCode.OK, await PostAsync(ended));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(ended));

        // AWS's final hour for the last usage: ending, not cancelled yet.
        Assert.Equal(SubscriptionStatus.PendingCancellation, await StatusAsync(s.Id));
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.MarketplaceNotifications.CountAsync(n => n.MessageId == "eb:evt-ended"));
        // A later "created" for the ended agreement does not revive it (out of order / stale).
        Assert.Equal(HttpStatusCode.OK, await PostAsync(Event("Purchase Agreement Created - Manufacturer", "310000000002", "agmt-2", requestId: "req-0")));
        Assert.Equal(SubscriptionStatus.PendingCancellation, await StatusAsync(s.Id));
    }

    [Fact]
    public async Task A_renewal_is_not_a_cancellation_and_license_events_map_to_entitlement_updates()
    {
        var s = await app.LandAsync("310000000003");
        await PostAsync(License("License Updated - Manufacturer", s, "agmt-3", requestId: "l0"));
        await PostAsync(Event("Purchase Agreement Created - Manufacturer", "310000000003", "agmt-3"));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(Event("Purchase Agreement Ended - Manufacturer", "310000000003", "agmt-3", status: "RENEWED", requestId: "r")));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(License("License Updated - Manufacturer", s, "agmt-3", requestId: "l")));
        Assert.Equal(SubscriptionStatus.Active, await StatusAsync(s.Id));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(License("License Deprovisioned - Manufacturer", s, "agmt-3", requestId: "d")));
        Assert.Equal(SubscriptionStatus.Cancelled, await StatusAsync(s.Id));
    }

    [Fact]
    public async Task Wrong_or_missing_secret_and_malformed_events_are_refused_and_nothing_is_stored()
    {
        var s = await app.LandAsync("310000000004");
        var created = Event("Purchase Agreement Created - Manufacturer", "310000000004", "agmt-4");

        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(created, secret: null));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(created, secret: Secret + "x"));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync("{not json"));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(Event("Purchase Agreement Created - Manufacturer", "310000000004", "agmt-4", source: "aws.ec2")));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(Event("Purchase Agreement Ending - Manufacturer", "310000000004", "agmt-4"))); // known, nothing to do

        Assert.Equal(SubscriptionStatus.Pending, await StatusAsync(s.Id));
        await using var db = app.CreateDbContext();
        Assert.Equal(0, await db.MarketplaceNotifications.CountAsync());
    }

    [Fact]
    public async Task Without_a_secret_the_endpoint_is_off_outside_simulator_mode()
    {
        await using var off = new PortalAppFactory(new Dictionary<string, string?> { ["Marketplace:Mode"] = "Aws" });
        using var client = off.CreateBrowser();
        var response = await client.PostAsync("/marketplace/notifications/eventbridge", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
