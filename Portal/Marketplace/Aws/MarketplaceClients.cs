using Microsoft.Extensions.Options;

namespace Portal.Marketplace.Aws;

/// <summary>The AWS Marketplace Metering Service (AWSMPMeteringService), shaped like the official SDK's interface.</summary>
public interface IAmazonMarketplaceMetering
{
    Task<ResolveCustomerResponse> ResolveCustomerAsync(ResolveCustomerRequest request, CancellationToken cancellationToken = default);
    Task<BatchMeterUsageResponse> BatchMeterUsageAsync(BatchMeterUsageRequest request, CancellationToken cancellationToken = default);
}

/// <summary>The AWS Marketplace Entitlement Service (AWSMPEntitlementService).</summary>
public interface IAmazonMarketplaceEntitlementService
{
    Task<GetEntitlementsResponse> GetEntitlementsAsync(GetEntitlementsRequest request, CancellationToken cancellationToken = default);
}

public sealed class MarketplaceMeteringClient(
    HttpClient http, MarketplaceEndpointResolver endpoints, IAwsCredentialSource credentials,
    IOptions<MarketplaceOptions> options, TimeProvider time, ILogger<MarketplaceMeteringClient> logger, AwsCredentialsStatus? status = null,
    MarketplaceMetrics? metrics = null)
    : IAmazonMarketplaceMetering
{
    public const int MaxRecordsPerBatch = 25;

    public const string ServiceName = "AWSMPMeteringService";

    public Task<ResolveCustomerResponse> ResolveCustomerAsync(ResolveCustomerRequest request, CancellationToken cancellationToken = default) =>
        Track("ResolveCustomer", () => Transport().InvokeAsync<ResolveCustomerRequest, ResolveCustomerResponse>("ResolveCustomer", request, cancellationToken));

    public Task<BatchMeterUsageResponse> BatchMeterUsageAsync(BatchMeterUsageRequest request, CancellationToken cancellationToken = default)
    {
        if (request.UsageRecords.Count is 0 or > MaxRecordsPerBatch)
            throw new ArgumentException($"BatchMeterUsage takes 1 to {MaxRecordsPerBatch} records.", nameof(request));
        return Track("BatchMeterUsage", () => Transport().InvokeAsync<BatchMeterUsageRequest, BatchMeterUsageResponse>("BatchMeterUsage", request, cancellationToken));
    }

    private Task<T> Track<T>(string operation, Func<Task<T>> call) => MarketplaceActivities.TraceAsync(ServiceName, operation,
        () => status is null ? call() : status.TrackAsync(operation, call()));

    private AwsJsonTransport Transport() =>
        new(http, endpoints.Metering(), credentials, options.Value.Calls, time, logger, metrics);
}

public sealed class MarketplaceEntitlementClient(
    HttpClient http, MarketplaceEndpointResolver endpoints, IAwsCredentialSource credentials,
    IOptions<MarketplaceOptions> options, TimeProvider time, ILogger<MarketplaceEntitlementClient> logger, AwsCredentialsStatus? status = null,
    MarketplaceMetrics? metrics = null)
    : IAmazonMarketplaceEntitlementService
{
    public const string ServiceName = "AWSMPEntitlementService";

    public Task<GetEntitlementsResponse> GetEntitlementsAsync(GetEntitlementsRequest request, CancellationToken cancellationToken = default) =>
        MarketplaceActivities.TraceAsync(ServiceName, "GetEntitlements", () =>
        {
            var call = new AwsJsonTransport(http, endpoints.Entitlement(), credentials, options.Value.Calls, time, logger, metrics)
                .InvokeAsync<GetEntitlementsRequest, GetEntitlementsResponse>("GetEntitlements", request, cancellationToken);
            return status is null ? call : status.TrackAsync("GetEntitlements", call);
        });
}

public static class EntitlementPaging
{
    /// <summary>Reads every page: AWS may return an empty page that still carries a NextToken.</summary>
    public static async Task<List<Entitlement>> GetAllEntitlementsAsync(this IAmazonMarketplaceEntitlementService client,
        GetEntitlementsRequest request, CancellationToken ct = default, int maxPages = 1000)
    {
        var all = new List<Entitlement>();
        string? next = null;
        for (var page = 0; page < maxPages; page++)
        {
            var response = await client.GetEntitlementsAsync(new GetEntitlementsRequest
            {
                ProductCode = request.ProductCode, Filter = request.Filter, MaxResults = request.MaxResults ?? 25, NextToken = next,
            }, ct);
            all.AddRange(response.Entitlements);
            next = response.NextToken;
            if (string.IsNullOrEmpty(next)) return all;
        }
        throw new InvalidOperationException($"GetEntitlements did not finish within {maxPages} pages.");
    }
}
