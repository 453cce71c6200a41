using Microsoft.Extensions.Options;
using System.ComponentModel.DataAnnotations;

namespace Portal.Marketplace;

public enum MarketplaceMode { Simulator, Aws }

public enum PricingModel { Payg, Contract }

public sealed class MarketplaceOptions
{
    public const string SectionName = "Marketplace";

    public MarketplaceMode Mode { get; set; } = MarketplaceMode.Aws;

    [Required, RegularExpression(@"^[a-z]{2}(-[a-z]+)+-\d$", ErrorMessage = "Marketplace:Region must be an AWS region name such as us-east-1.")]
    public string Region { get; set; } = "us-east-1";

    /// <summary>
    /// Region of the Entitlement Service (GetEntitlements), which AWS documents in us-east-1 only (China:
    /// cn-northwest-1), while BatchMeterUsage runs in many regions. Unset: us-east-1, or cn-northwest-1 when
    /// <see cref="Region"/> is a China region.
    /// https://docs.aws.amazon.com/marketplaceentitlement/latest/APIReference/Welcome.html
    /// </summary>
    [RegularExpression(@"^[a-z]{2}(-[a-z]+)+-\d$", ErrorMessage = "Marketplace:EntitlementRegion must be an AWS region name such as us-east-1.")]
    public string? EntitlementRegion { get; set; }

    public string EffectiveEntitlementRegion => EntitlementRegion is { Length: > 0 } r ? r
        : Aws.MarketplaceEndpoints.IsChinaRegion(Region) ? "cn-northwest-1" : "us-east-1";

    [Url] public string? MeteringEndpoint { get; set; }
    [Url] public string? EntitlementEndpoint { get; set; }

    /// <summary>Where a buyer goes to start again when a token is bad: AWS Marketplace itself unless a product says otherwise.</summary>
    [Required, Url] public string ListingUrl { get; set; } = "https://aws.amazon.com/marketplace";

    [ValidateEnumeratedItems] public List<MarketplaceProduct> Products { get; set; } = [];

    [Required, ValidateObjectMembers] public AwsCallOptions Calls { get; set; } = new();

    /// <summary>
    /// The most a buyer waits on the landing for AWS, all calls together (ResolveCustomer, and for a contract the
    /// entitlement look-ups). <see cref="AwsCallOptions.MaxTotalTime"/> bounds one call; a contract landing makes
    /// several, so this bounds them as a whole before the 503 page answers.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:02:00", ErrorMessage = "Marketplace:LandingDeadline must be between 1 second and 2 minutes.")]
    public TimeSpan LandingDeadline { get; set; } = TimeSpan.FromSeconds(10);

    [Required] public SnsOptions Sns { get; set; } = new();

    [Required] public EventBridgeOptions EventBridge { get; set; } = new();

    [Required, ValidateObjectMembers] public EntitlementOptions Entitlements { get; set; } = new();

    public MarketplaceProduct? FindProduct(string? productCode) =>
        Products.FirstOrDefault(p => string.Equals(p.ProductCode, productCode, StringComparison.Ordinal));
}

public sealed class MarketplaceProduct
{
    [Required] public string ProductCode { get; set; } = "";
    [Required] public string Name { get; set; } = "";
    [Url] public string? ListingUrl { get; set; }
    /// <summary>How the listing is sold; a contract is confirmed by its entitlements whatever this says.</summary>
    public PricingModel PricingModel { get; set; } = PricingModel.Payg;
    /// <summary>The listing's metering dimensions (API names); when given, usage for any other is refused.</summary>
    public List<string> Dimensions { get; set; } = [];
    /// <summary>
    /// The listing takes Concurrent Agreements: one AWS account may hold several purchases (agreements) of it, each its
    /// own license, so "one PAYG subscription per AWS account" does not hold for it. Off for listings created before
    /// 1 June 2026 that did not opt in (AWS: "Existing listings created before June 1, 2026 – Concurrent Agreements is
    /// opt-in"; new listings have it by default). Stored on each subscription when it is created, so the database's
    /// one-PAYG-per-account index applies exactly to the subscriptions of listings without it.
    /// https://aws.amazon.com/blogs/awsmarketplace/complete-guide-to-upgrading-your-saas-product-to-aws-marketplace-concurrent-agreements/
    /// </summary>
    public bool ConcurrentAgreements { get; set; }
}

/// <summary>Bounds for every call to AWS: one attempt's timeout, and the retry budget for throttling and AWS faults.</summary>
public sealed class AwsCallOptions
{
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")] public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);
    [Range(1, 10)] public int MaxAttempts { get; set; } = 4;
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")] public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")] public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>No call, retries included, takes longer than this: a buyer is waiting on the landing.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")] public TimeSpan MaxTotalTime { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Amazon SNS lifecycle notifications; with no topics configured the endpoint is off.</summary>
public sealed class SnsOptions
{
    public List<string> TopicArns { get; set; } = [];
    /// <summary>Where signing certificates may come from: SNS's own hosts, incl. the China partition.</summary>
    [Required] public string CertificateUrlPattern { get; set; } = @"^https://sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/SimpleNotificationService-[a-zA-Z0-9]+\.pem$";
    /// <summary>Which SubscribeURLs the portal will visit to confirm a subscription.</summary>
    [Required] public string SubscribeUrlPattern { get; set; } = @"^https://sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/\?Action=ConfirmSubscription&";
}

/// <summary>An EventBridge API destination posting aws.agreement-marketplace events; off without a secret.</summary>
public sealed class EventBridgeOptions
{
    /// <summary>The value the API destination's connection sends in <see cref="HeaderName"/>.</summary>
    public string? Secret { get; set; }
    [Required] public string HeaderName { get; set; } = "X-Portal-EventBridge-Secret";
}

public sealed class EntitlementOptions
{
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00", ErrorMessage = "Marketplace:Entitlements:RefreshInterval must be between 1 minute and 7 days.")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromHours(6);
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Marketplace:Entitlements:WaitingPollInterval must be between 1 second and 1 hour.")]
    public TimeSpan WaitingPollInterval { get; set; } = TimeSpan.FromSeconds(15);
}
