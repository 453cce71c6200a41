using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Marketplace.Subscriptions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Lifecycle;

/// <summary>
/// The events exactly as AWS's seller guide prints them (Fixtures/EventBridge): the Purchase Agreement events name
/// the agreement and the acceptor but no license and no product; the License events carry the product, the license
/// and the agreement id, the one link between the two. One account holds two agreements of the same product here.
/// </summary>
public sealed class EventBridgeAwsShapesTests : IAsyncLifetime
{
    private const string Secret = "eventbridge-shared-secret-0123456789abcdef";
    private const string Product = "aw4fgf5tyo5w2ap6fEXAMPLE";
    private const string Account = "845735284135";
    private const string Agreement = "agmt-4mwg1nevbokzw95eca5797ixs";
    private PortalAppFactory app = null!;
    private Guid theirs, other;

    public async Task InitializeAsync()
    {
        app = new PortalAppFactory(new Dictionary<string, string?>
        {
            ["Marketplace:EventBridge:Secret"] = Secret,
            ["Marketplace:Products:2:ProductCode"] = Product, ["Marketplace:Products:2:Name"] = "Example", ["Marketplace:Products:2:PricingModel"] = "Contract",
        });
        await using var db = app.CreateDbContext();
        var now = DateTimeOffset.UtcNow;
        // The license as ResolveCustomer spells it; AWS's event example prints it without the leading "arn:".
        var mine = New("arn:aws:license-manager:us-east-1:123456789012:l-e52ca6f38bf84d0fafb8802ca15ac11x", now.AddDays(-2));
        var second = New("arn:aws:license-manager:us-east-1:123456789012:l-99999999999999999999999999999999", now); // newer, same account
        db.Subscriptions.AddRange(mine, second);
        await db.SaveChangesAsync();
        (theirs, other) = (mine.Id, second.Id);

        static MarketplaceSubscription New(string arn, DateTimeOffset at) => new()
        {
            ProductCode = Product, CustomerAwsAccountId = Account, LicenseArn = arn, OfferType = OfferType.Contract,
            Status = SubscriptionStatus.Active, CreatedAt = at, UpdatedAt = at,
        };
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    /// <summary>A fixture as AWS sent it, with its own event id (every real delivery has one).</summary>
    private static string Fixture(string name)
    {
        var node = JsonNode.Parse(File.ReadAllText(RepoPaths.Combine("Portal.Tests", "Fixtures", "EventBridge", name)))!;
        node["id"] = Guid.NewGuid().ToString();
        return node.ToJsonString();
    }

    private async Task<HttpStatusCode> PostAsync(string body)
    {
        using var client = app.CreateBrowser();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/marketplace/notifications/eventbridge") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Portal-EventBridge-Secret", Secret);
        return (await client.SendAsync(request)).StatusCode;
    }

    private async Task<MarketplaceSubscription> RowAsync(Guid id)
    {
        await using var db = app.CreateDbContext();
        return await db.Subscriptions.AsNoTracking().SingleAsync(s => s.Id == id);
    }

    [Fact]
    public async Task Agreement_events_are_placed_by_agreement_id_once_a_license_event_links_it_never_by_the_account()
    {
        Assert.Equal(HttpStatusCode.OK, await PostAsync(Fixture("purchase-agreement-created-manufacturer.json"))); // not placeable yet: kept
        Assert.Equal(HttpStatusCode.OK, await PostAsync(Fixture("purchase-agreement-created-proposer.json")));     // the same change again
        await using (var db = app.CreateDbContext())
        {
            var kept = await db.MarketplaceNotifications.AsNoTracking().SingleAsync();
            Assert.Null(kept.AppliedAt);
        }

        Assert.Equal(HttpStatusCode.OK, await PostAsync(Fixture("license-updated-manufacturer.json")));
        Assert.Equal(Agreement, (await RowAsync(theirs)).AgreementId); // the link, learned from the license event
        Assert.Null((await RowAsync(other)).AgreementId);

        Assert.Equal(HttpStatusCode.OK, await PostAsync(Fixture("purchase-agreement-ended-proposer.json")));
        Assert.Equal(SubscriptionStatus.PendingCancellation, (await RowAsync(theirs)).Status);
        Assert.Equal(SubscriptionStatus.Active, (await RowAsync(other)).Status); // the account's newest agreement is untouched

        Assert.Equal(HttpStatusCode.OK, await PostAsync(Fixture("license-deprovisioned-manufacturer.json")));
        Assert.Equal(SubscriptionStatus.Cancelled, (await RowAsync(theirs)).Status);
        Assert.Equal(SubscriptionStatus.Active, (await RowAsync(other)).Status);
        await using var check = app.CreateDbContext();
        Assert.All(await check.MarketplaceNotifications.AsNoTracking().ToListAsync(), n => Assert.Equal(theirs, n.SubscriptionId));
    }

    [Fact]
    public async Task An_event_for_an_agreement_nobody_holds_is_kept_unplaced_not_refused()
    {
        var ended = JsonNode.Parse(Fixture("purchase-agreement-ended-manufacturer.json"))!;
        ended["detail"]!["agreement"]!["id"] = "agmt-unknownunknownunknown00";

        Assert.Equal(HttpStatusCode.OK, await PostAsync(ended.ToJsonString())); // a 400 would make EventBridge retry, then drop it

        await using var db = app.CreateDbContext();
        var kept = await db.MarketplaceNotifications.AsNoTracking().SingleAsync();
        Assert.Null(kept.SubscriptionId);
        Assert.Equal(SubscriptionStatus.Active, (await RowAsync(theirs)).Status);
        Assert.Equal(SubscriptionStatus.Active, (await RowAsync(other)).Status);
    }
}
