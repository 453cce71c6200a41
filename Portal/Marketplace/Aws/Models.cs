using System.Text.Json.Serialization;

namespace Portal.Marketplace.Aws;

// Request and response shapes named after the operations of the official AWS SDK for .NET
// (Amazon.AWSMarketplaceMetering.Model / Amazon.MarketplaceEntitlementService.Model), with the wire names of
// the public service models, so the official packages could replace these types with little change.

public sealed class ResolveCustomerRequest
{
    public string RegistrationToken { get; set; } = "";
}

public sealed class ResolveCustomerResponse
{
    public string? CustomerIdentifier { get; set; }
    [JsonPropertyName("CustomerAWSAccountId")] public string? CustomerAWSAccountId { get; set; }
    public string? ProductCode { get; set; }
    public string? LicenseArn { get; set; }
}

public sealed class UsageRecord
{
    [JsonConverter(typeof(EpochSecondsConverter))] public DateTimeOffset Timestamp { get; set; }
    public string? CustomerIdentifier { get; set; }
    [JsonPropertyName("CustomerAWSAccountId")] public string? CustomerAWSAccountId { get; set; }
    public string? LicenseArn { get; set; }
    public string Dimension { get; set; } = "";
    public int? Quantity { get; set; }
    public List<UsageAllocation>? UsageAllocations { get; set; }
}

public sealed class UsageAllocation
{
    public int AllocatedUsageQuantity { get; set; }
    public List<Tag>? Tags { get; set; }
}

public sealed class Tag
{
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
}

public sealed class BatchMeterUsageRequest
{
    public string ProductCode { get; set; } = "";
    public List<UsageRecord> UsageRecords { get; set; } = [];
}

public sealed class BatchMeterUsageResponse
{
    public List<UsageRecordResult> Results { get; set; } = [];
    public List<UsageRecord> UnprocessedRecords { get; set; } = [];
}

public static class UsageRecordResultStatus
{
    public const string Success = "Success";
    public const string CustomerNotSubscribed = "CustomerNotSubscribed";
    public const string DuplicateRecord = "DuplicateRecord";
}

public sealed class UsageRecordResult
{
    public UsageRecord? UsageRecord { get; set; }
    public string? MeteringRecordId { get; set; }
    public string? Status { get; set; }
}

public static class GetEntitlementFilterName
{
    public const string CustomerIdentifier = "CUSTOMER_IDENTIFIER";
    public const string CustomerAwsAccountId = "CUSTOMER_AWS_ACCOUNT_ID";
    public const string Dimension = "DIMENSION";
    public const string LicenseArn = "LICENSE_ARN";
}

public sealed class GetEntitlementsRequest
{
    public string ProductCode { get; set; } = "";
    public Dictionary<string, List<string>>? Filter { get; set; }
    public string? NextToken { get; set; }
    public int? MaxResults { get; set; }
}

public sealed class GetEntitlementsResponse
{
    public List<Entitlement> Entitlements { get; set; } = [];
    public string? NextToken { get; set; }
}

public sealed class Entitlement
{
    public string? ProductCode { get; set; }
    public string? Dimension { get; set; }
    public string? CustomerIdentifier { get; set; }
    [JsonPropertyName("CustomerAWSAccountId")] public string? CustomerAWSAccountId { get; set; }
    public string? LicenseArn { get; set; }
    public EntitlementValue? Value { get; set; }
    [JsonConverter(typeof(NullableEpochSecondsConverter))] public DateTimeOffset? ExpirationDate { get; set; }
}

public sealed class EntitlementValue
{
    public int? IntegerValue { get; set; }
    public double? DoubleValue { get; set; }
    public bool? BooleanValue { get; set; }
    public string? StringValue { get; set; }
}
