using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Portal.Marketplace;

/// <summary>The Marketplace feature's counters (meter "Portal.Marketplace", from the host's IMeterFactory).</summary>
public sealed class MarketplaceMetrics
{
    public const string MeterName = "Portal.Marketplace";

    private readonly Counter<long> snsAccepted, snsRejected, eventBridgeAccepted, eventBridgeRejected, awsRetries;

    public MarketplaceMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        snsRejected = meter.CreateCounter<long>("portal.sns.rejected", description: "SNS deliveries refused");
        snsAccepted = meter.CreateCounter<long>("portal.sns.accepted", description: "SNS deliveries accepted");
        eventBridgeRejected = meter.CreateCounter<long>("portal.eventbridge.rejected", description: "EventBridge deliveries refused");
        eventBridgeAccepted = meter.CreateCounter<long>("portal.eventbridge.accepted", description: "EventBridge deliveries accepted");
        awsRetries = meter.CreateCounter<long>("portal.aws.retries",
            description: "AWS Marketplace calls attempted again after a transient error, by operation and error");
    }

    public void AwsRetry(string service, string operation, string? error, Uri server) => awsRetries.Add(1,
        new KeyValuePair<string, object?>("rpc.service", service), new KeyValuePair<string, object?>("rpc.method", operation),
        new KeyValuePair<string, object?>("error.type", error), new KeyValuePair<string, object?>("server.address", server.Host),
        new KeyValuePair<string, object?>("server.port", server.Port));

    public void SnsAccepted(string type) => snsAccepted.Add(1, new KeyValuePair<string, object?>("type", type));
    public void SnsRejected(string reason) => snsRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
    public void EventBridgeAccepted(string result) => eventBridgeAccepted.Add(1, new KeyValuePair<string, object?>("result", result));
    public void EventBridgeRejected(string reason) => eventBridgeRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
}

/// <summary>
/// The AWS Marketplace calls as activities (source "Portal.Marketplace"): one per ResolveCustomer, GetEntitlements or
/// BatchMeterUsage, above the HTTP attempts (retries) it took, in the trace of the landing or pass that made it.
/// </summary>
public static class MarketplaceActivities
{
    public const string SourceName = "Portal.Marketplace";
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Runs <paramref name="call"/> inside its activity, so the HTTP requests it makes are its children.</summary>
    public static async Task<T> TraceAsync<T>(string service, string operation, Func<Task<T>> call)
    {
        using var activity = Source.StartActivity(operation, ActivityKind.Client);
        if (activity is not null)
        {
            // OpenTelemetry's names for an AWS SDK call (semantic conventions, rpc.* for AWS).
            activity.SetTag("rpc.system", "aws-api");
            activity.SetTag("rpc.service", service);
            activity.SetTag("rpc.method", operation);
        }
        try
        {
            return await call();
        }
        catch (Exception ex)
        {
            var type = ex is Aws.AmazonMarketplaceException aws ? aws.ErrorType : ex.GetType().FullName;
            activity?.SetStatus(ActivityStatusCode.Error, type);
            activity?.SetTag("error.type", type);
            if (ex is Aws.AmazonMarketplaceException { RequestId: { } id }) activity?.SetTag("aws.request_id", id);
            throw;
        }
    }
}
