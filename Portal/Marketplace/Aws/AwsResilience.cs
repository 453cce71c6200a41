using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Portal.Marketplace.Aws;

/// <summary>
/// How every call to AWS Marketplace copes with a bad moment, as a Polly pipeline built from
/// <see cref="AwsCallOptions"/> (Marketplace:Calls): a total budget (MaxTotalTime) around retries with jittered
/// exponential backoff (MaxAttempts, BaseDelay, MaxDelay) of attempts each bounded by AttemptTimeout. Its clock is
/// the app's TimeProvider, so tests drive delays and timeouts with a fake one.
/// </summary>
public static class AwsResilience
{
    public const string PipelineName = "aws-marketplace";

    internal static readonly ResiliencePropertyKey<AwsCall> CallKey = new("portal.aws-call");

    /// <summary>
    /// AWS JSON 1.1 answers throttling as HTTP 400 with the error type in the body, so the status code alone cannot
    /// tell "try again" from "your request is wrong". These are the error codes the AWS SDKs' standard retry mode
    /// treats as transient or throttling, whatever the status; Marketplace itself documents ThrottlingException.
    /// </summary>
    private static readonly HashSet<string> TransientErrorTypes = new(StringComparer.Ordinal)
    {
        "ThrottlingException", "Throttling", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "RequestTimeout", "RequestTimeoutException", "InternalServiceErrorException",
    };

    /// <summary>
    /// Worth another attempt: throttling, AWS faults (5xx), an attempt that timed out, a connection that failed.
    /// Never an answer about the request or the caller (bad or expired token, expired credentials, validation, a
    /// disabled API): asking again would get the same answer and spend the buyer's wait.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        TimeoutRejectedException or MarketplaceUnavailableException => true,
        DisabledApiException => false,
        AmazonMarketplaceException aws => TransientErrorTypes.Contains(aws.ErrorType)
            || aws.StatusCode is >= HttpStatusCode.InternalServerError or HttpStatusCode.TooManyRequests,
        _ => false,
    };

    private readonly record struct Settings(TimeSpan AttemptTimeout, int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay, TimeSpan MaxTotalTime)
    {
        public Settings(AwsCallOptions o) : this(o.AttemptTimeout, o.MaxAttempts, o.BaseDelay, o.MaxDelay, o.MaxTotalTime) { }
    }

    // Pipelines are stateless and meant to be shared; the clients make a transport per call, so keep one per clock
    // and settings (weakly per clock: a test's fake clock takes its pipelines with it).
    private static readonly ConditionalWeakTable<TimeProvider, ConcurrentDictionary<Settings, ResiliencePipeline>> Pipelines = new();

    /// <summary>The shared pipeline for these settings on this clock.</summary>
    public static ResiliencePipeline For(AwsCallOptions calls, TimeProvider time) =>
        Pipelines.GetValue(time, _ => new()).GetOrAdd(new Settings(calls), s => Build(s, time));

    /// <summary>A new pipeline; throws Polly's ValidationException when the settings are out of its ranges.</summary>
    public static ResiliencePipeline Build(AwsCallOptions calls, TimeProvider time) => Build(new Settings(calls), time);

    private static ResiliencePipeline Build(Settings s, TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder { Name = PipelineName, TimeProvider = time }
            .AddTimeout(new TimeoutStrategyOptions { Name = "total", Timeout = s.MaxTotalTime });
        if (s.MaxAttempts > 1)
            builder.AddRetry(new RetryStrategyOptions
            {
                Name = "retry",
                MaxRetryAttempts = s.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true, // many portal instances throttled at once must not retry in step
                Delay = s.BaseDelay,
                MaxDelay = s.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsTransient(ex)),
                OnRetry = args =>
                {
                    if (args.Context.Properties.TryGetValue(CallKey, out var call))
                        call.Retrying(args.Outcome.Exception!, args.AttemptNumber + 1, s.MaxAttempts, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            });
        return builder.AddTimeout(new TimeoutStrategyOptions { Name = "attempt", Timeout = s.AttemptTimeout }).Build();
    }

    internal static string ErrorName(Exception ex) => ex switch
    {
        AmazonMarketplaceException a => a.ErrorType,
        MarketplaceUnavailableException { InnerException: { } inner } => inner.GetType().Name,
        _ => ex.GetType().Name,
    };

    /// <summary>One call through the pipeline: what the retry log line and counter name, and what the last error was.</summary>
    internal sealed class AwsCall(string operation, AwsServiceEndpoint endpoint, ILogger logger, MarketplaceMetrics? metrics)
    {
        public string Operation => operation;
        public int Attempts;
        public string? LastError { get; private set; }

        public void Retrying(Exception error, int attempt, int maxAttempts, TimeSpan delay)
        {
            LastError = ErrorName(error);
            logger.LogWarning("{Operation} attempt {Attempt} of {MaxAttempts} failed with {Error}; retrying in {Delay} ms",
                operation, attempt, maxAttempts, LastError, (int)delay.TotalMilliseconds);
            metrics?.AwsRetry(endpoint.TargetPrefix, operation, LastError, endpoint.Url);
        }
    }
}
