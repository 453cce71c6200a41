using Microsoft.Extensions.Options;
using Portal.Marketplace;
using Portal.Marketplace.Aws;

namespace Portal.Tests.Unit.Marketplace;

/// <summary>
/// The Entitlement Service is documented in us-east-1 only (China: cn-northwest-1), while BatchMeterUsage runs in
/// many regions: a listing metered elsewhere must still read its contracts from the Entitlement Service's region.
/// </summary>
public sealed class EntitlementRegionTests
{
    private static MarketplaceEndpointResolver Resolver(string region, string? entitlementRegion = null) =>
        new(Options.Create(new MarketplaceOptions { Mode = MarketplaceMode.Aws, Region = region, EntitlementRegion = entitlementRegion }), null!);

    [Theory]
    [InlineData("eu-west-1", null, "https://entitlement.marketplace.us-east-1.amazonaws.com/", "us-east-1")]
    [InlineData("us-east-1", null, "https://entitlement.marketplace.us-east-1.amazonaws.com/", "us-east-1")]
    [InlineData("cn-north-1", null, "https://entitlement.marketplace.cn-northwest-1.amazonaws.com.cn/", "cn-northwest-1")]
    [InlineData("eu-west-1", "us-west-2", "https://entitlement.marketplace.us-west-2.amazonaws.com/", "us-west-2")]
    public void Entitlements_use_their_own_region_and_metering_keeps_the_listings(string region, string? entitlementRegion, string url, string signingRegion)
    {
        var resolver = Resolver(region, entitlementRegion);

        var entitlement = resolver.Entitlement();
        var metering = resolver.Metering();

        Assert.Equal((url, signingRegion), (entitlement.Url.ToString(), entitlement.Region));
        Assert.Equal(region, metering.Region);
    }

    [Fact]
    public void An_entitlement_region_that_is_not_a_region_stops_start_up()
    {
        var options = new MarketplaceOptions { EntitlementRegion = "Virginia" };
        var errors = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        System.ComponentModel.DataAnnotations.Validator.TryValidateProperty(options.EntitlementRegion,
            new System.ComponentModel.DataAnnotations.ValidationContext(options) { MemberName = nameof(MarketplaceOptions.EntitlementRegion) }, errors);

        Assert.Contains(errors, e => e.ErrorMessage!.Contains("Marketplace:EntitlementRegion", StringComparison.Ordinal));
    }
}
