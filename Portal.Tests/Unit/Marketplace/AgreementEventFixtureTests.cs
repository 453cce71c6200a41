using System.Text.Json;
using Portal.Marketplace.Lifecycle;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Unit.Marketplace;

/// <summary>Every example event of AWS's seller guide (Fixtures/EventBridge), parsed into exactly the fields AWS sends.</summary>
public sealed class AgreementEventFixtureTests
{
    private const string Agreement = "agmt-4mwg1nevbokzw95eca5797ixs";

    [Theory]
    [InlineData("purchase-agreement-created-manufacturer.json", LifecycleAction.SubscribeSuccess)]
    [InlineData("purchase-agreement-created-proposer.json", LifecycleAction.SubscribeSuccess)]
    [InlineData("purchase-agreement-amended-manufacturer.json", LifecycleAction.EntitlementUpdated)]
    [InlineData("purchase-agreement-amended-proposer.json", LifecycleAction.EntitlementUpdated)]
    [InlineData("purchase-agreement-ended-manufacturer.json", LifecycleAction.UnsubscribePending)]
    [InlineData("purchase-agreement-ended-proposer.json", LifecycleAction.UnsubscribePending)]
    public void Agreement_events_name_the_agreement_and_the_acceptor_and_nothing_else(string fixture, LifecycleAction action)
    {
        var n = Parse(fixture);

        Assert.Equal((action, Agreement, "845735284135"), (n.Action, n.AgreementId, n.CustomerAwsAccountId));
        Assert.Equal(("", null), (n.ProductCode, n.LicenseArn));
        Assert.True(n.IsWellFormed());
    }

    [Theory]
    [InlineData("license-updated-manufacturer.json", LifecycleAction.EntitlementUpdated)]
    [InlineData("license-deprovisioned-manufacturer.json", LifecycleAction.UnsubscribeSuccess)]
    public void License_events_carry_the_product_the_license_and_the_agreement(string fixture, LifecycleAction action)
    {
        var n = Parse(fixture);

        Assert.Equal((action, Agreement, "aw4fgf5tyo5w2ap6fEXAMPLE"), (n.Action, n.AgreementId, n.ProductCode));
        Assert.Equal("aws:license-manager:us-east-1:123456789012:l-e52ca6f38bf84d0fafb8802ca15ac11x", n.LicenseArn);
        Assert.Equal("l-e52ca6f38bf84d0fafb8802ca15ac11x", LicenseKey.IdOf(n.LicenseArn)); // as ResolveCustomer's "arn:…" spelling gives
        Assert.True(n.IsWellFormed());
    }

    [Fact]
    public void The_manufacturer_and_proposer_copies_of_one_change_share_a_dedup_key()
    {
        Assert.Equal(Parse("purchase-agreement-created-manufacturer.json").DedupKey, Parse("purchase-agreement-created-proposer.json").DedupKey);
        Assert.NotEqual(Parse("purchase-agreement-created-manufacturer.json").DedupKey, Parse("purchase-agreement-ended-manufacturer.json").DedupKey);
    }

    private static MarketplaceNotification Parse(string fixture)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoPaths.Combine("Portal.Tests", "Fixtures", "EventBridge", fixture)));
        return AgreementEvent.Parse(doc.RootElement, DateTimeOffset.UnixEpoch)!.Notification!;
    }
}
