using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Portal.Marketplace;
using Portal.Marketplace.Aws;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Unit.Marketplace;

/// <summary>
/// The retry pipeline of every AWS Marketplace call, against a real local HTTP server that checks each request's
/// SigV4 signature, on a fake clock: backoff and timeouts pass only when the test moves time, so nothing sleeps.
/// </summary>
public sealed class AwsRetryPipelineTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20); // real time a stalled step may take before it fails
    private const string Resolved = """{"CustomerAWSAccountId":"123456789012","ProductCode":"p","LicenseArn":"arn:l"}""";

    private FakeAwsServer server = null!;
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow); // the server checks signatures against real time
    private readonly CapturingLoggerProvider logs = new();
    private readonly TaskCompletionSource hang = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int credentialsIssued;

    public async Task InitializeAsync() => server = await FakeAwsServer.StartAsync();

    public async Task DisposeAsync()
    {
        hang.TrySetResult();
        await server.DisposeAsync();
    }

    private MarketplaceOptions Options(int maxAttempts = 4, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null,
        TimeSpan? attemptTimeout = null, TimeSpan? maxTotalTime = null) => new()
    {
        Mode = MarketplaceMode.Aws, MeteringEndpoint = server.Url.ToString(), EntitlementEndpoint = server.Url.ToString(),
        Calls = new AwsCallOptions
        {
            MaxAttempts = maxAttempts, BaseDelay = baseDelay ?? TimeSpan.FromSeconds(1), MaxDelay = maxDelay ?? TimeSpan.FromSeconds(4),
            // Long on the fake clock: moving it through a backoff must not also time out the attempt that follows.
            AttemptTimeout = attemptTimeout ?? TimeSpan.FromMinutes(5), MaxTotalTime = maxTotalTime ?? TimeSpan.FromMinutes(10),
        },
    };

    /// <summary>Session credentials with a new token each time they are asked for, as a rotating role's would be.</summary>
    private sealed class RotatingCredentials(Func<int> next) : IAwsCredentialSource
    {
        public ValueTask<AWSCredentials> GetAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult<AWSCredentials>(new SessionAWSCredentials(FakeAwsServer.AccessKey, FakeAwsServer.SecretKey, $"token-{next()}"));
    }

    private MarketplaceMeteringClient Metering(MarketplaceOptions o, TimeProvider? time = null)
    {
        var options = Microsoft.Extensions.Options.Options.Create(o);
        var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        return new MarketplaceMeteringClient(new HttpClient(), new MarketplaceEndpointResolver(options, new ServiceCollection().BuildServiceProvider()),
            new RotatingCredentials(() => Interlocked.Increment(ref credentialsIssued)), options, time ?? clock, factory.CreateLogger<MarketplaceMeteringClient>(),
            metrics: new MarketplaceMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
    }

    private Task<ResolveCustomerResponse> Resolve(MarketplaceOptions o, TimeProvider? time = null, CancellationToken ct = default) =>
        Metering(o, time).ResolveCustomerAsync(new ResolveCustomerRequest { RegistrationToken = "t" }, ct);

    private static Task<(int, string, string?)> Answer(int status, string body, string? header = null) => Task.FromResult((status, body, header));

    private static Task<(int, string, string?)> Throttled() => Answer(400, """{"__type":"ThrottlingException","message":"Rate exceeded"}""");

    private int RetryLines => logs.Lines.Count(l => l.Contains("ResolveCustomer attempt") && l.Contains("retrying in"));

    /// <summary>Waits (bounded, in real time) until the condition holds; a stall fails saying what was seen.</summary>
    private async Task Until(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (!condition())
        {
            if (timeout.IsCancellationRequested)
                Assert.Fail($"Gave up waiting for {what}: the server saw {server.Requests.Count} requests; log:\n{logs.All}");
            await Task.Delay(10, CancellationToken.None);
        }
    }

    /// <summary>
    /// Moves the fake clock a second at a time until the next attempt reaches the server (or the call ends): the
    /// backoff's timer is set just after the retry is logged, so a single jump could land before it exists.
    /// </summary>
    private async Task AdvanceUntilRequest(int count, Task call)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (server.Requests.Count < count && !call.IsCompleted)
        {
            if (timeout.IsCancellationRequested)
                Assert.Fail($"Gave up waiting for request {count}: the server saw {server.Requests.Count}; log:\n{logs.All}");
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10, CancellationToken.None);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task ThrottledNTimesThenAnswered_OneResult_NPlusOneRequests_EachSignedAfresh(int throttles)
    {
        server.Respond = (_, n) => n <= throttles ? Throttled() : Answer(200, Resolved);

        var call = Resolve(Options(maxAttempts: throttles + 1));
        for (var i = 1; i <= throttles; i++)
        {
            await Until(() => RetryLines == i, $"retry {i} to be logged");
            // The backoff runs on the app's clock: frozen, no further request goes out however long we look.
            Assert.Equal(i, server.Requests.Count);
            await AdvanceUntilRequest(i + 1, call);
        }
        var response = await call.WaitAsync(Bound);

        Assert.Equal("123456789012", response.CustomerAWSAccountId);
        var requests = server.Requests.ToList();
        Assert.Equal(throttles + 1, requests.Count);
        Assert.All(requests, r => Assert.True(r.Signature.Valid, r.Signature.Message));
        // Each attempt signed with credentials fetched for it, so none is a replay of an earlier signature.
        Assert.Equal(Enumerable.Range(1, throttles + 1).Select(n => $"token-{n}"), requests.Select(r => r.SecurityToken));
        Assert.Equal(requests.Select(r => r.AmzDate).Order(StringComparer.Ordinal), requests.Select(r => r.AmzDate));
        Assert.Contains(logs.Lines, l => l.Contains("ResolveCustomer attempt 1 ") && l.Contains("ThrottlingException"));
    }

    public static TheoryData<int, string, string?> NotTransient() => new()
    {
        { 400, """{"__type":"InvalidTokenException","message":"bad"}""", null },
        { 400, """{"__type":"ExpiredTokenException","message":"Registration token expired"}""", null },
        { 403, """{"__type":"ExpiredTokenException","message":"The security token included in the request is expired"}""", null },
        { 400, """{"__type":"ValidationException","message":"1 validation error detected"}""", null },
        { 400, """{"__type":"DuplicateRequestException"}""", null },
        { 400, """{"__type":"DisabledApiException"}""", null },
        { 403, """{"__type":"AccessDeniedException"}""", null },
        { 403, """{"message":"The request signature we calculated does not match"}""", "InvalidSignatureException" },
        { 400, "not json", null },
    };

    [Theory]
    [MemberData(nameof(NotTransient))]
    public async Task NonTransientError_NotRetried(int status, string body, string? header)
    {
        server.Respond = (_, _) => Answer(status, body, header);

        // Zero delays on the real clock: a wrong retry would reach the server at once.
        var ex = await Assert.ThrowsAnyAsync<AmazonMarketplaceException>(() =>
            Resolve(Options(baseDelay: TimeSpan.Zero, maxDelay: TimeSpan.Zero), TimeProvider.System).WaitAsync(Bound));

        Assert.Equal(status, (int)ex.StatusCode);
        Assert.Single(server.Requests);
        Assert.Equal(0, RetryLines);
    }

    public static TheoryData<int, string, string?> Transient() => new()
    {
        { 400, """{"__type":"com.amazonaws.marketplace#ThrottlingException"}""", null },
        { 500, """{"__type":"InternalServiceErrorException"}""", null },
        { 503, "<html>Service Unavailable</html>", null },
        { 502, "", null },
        // Throttling as other AWS front doors name it (the AWS SDKs' standard retry mode retries these too).
        { 429, """{"__type":"TooManyRequestsException","message":"Too Many Requests"}""", null },
        { 400, """{"message":"Rate exceeded"}""", "Throttling" },
        { 400, """{"__type":"RequestLimitExceeded"}""", null },
        { 429, "", null },
    };

    [Theory]
    [MemberData(nameof(Transient))]
    public async Task TransientError_RetriedThenAnswered(int status, string body, string? header)
    {
        server.Respond = (_, n) => n == 1 ? Answer(status, body, header) : Answer(200, Resolved);

        var response = await Resolve(Options(baseDelay: TimeSpan.Zero, maxDelay: TimeSpan.Zero), TimeProvider.System).WaitAsync(Bound);

        Assert.Equal("p", response.ProductCode);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(1, RetryLines);
    }

    [Fact]
    public async Task ThrottledForever_StopsAtMaxAttempts_ThrowsThrottling_EachRetryLoggedAndCounted()
    {
        server.Respond = (_, _) => Throttled();
        using var retries = new RetryCounter(server.Url.Port);

        var call = Resolve(Options(maxAttempts: 3));
        for (var i = 1; i <= 2; i++)
        {
            await Until(() => RetryLines == i, $"retry {i} to be logged");
            await AdvanceUntilRequest(i + 1, call);
        }
        var ex = await Assert.ThrowsAsync<ThrottlingException>(() => call.WaitAsync(Bound));

        Assert.Equal("Rate exceeded", ex.Message);
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(2, RetryLines);
        Assert.Equal(2, retries.Count("ResolveCustomer", "ThrottlingException"));
    }

    [Fact]
    public async Task AwsHangs_TotalBudgetEndsTheCall_AsUnavailableNamingBudgetAndAttempts()
    {
        server.Respond = async (_, _) => { await hang.Task; return (200, Resolved, null); };

        var call = Resolve(Options(maxAttempts: 10, baseDelay: TimeSpan.Zero, maxDelay: TimeSpan.Zero,
            attemptTimeout: TimeSpan.FromSeconds(2), maxTotalTime: TimeSpan.FromSeconds(3)));
        await Until(() => server.Requests.Count == 1, "the first attempt");
        clock.Advance(TimeSpan.FromSeconds(2)); // the first attempt's timeout
        await Until(() => server.Requests.Count == 2, "the second attempt");
        clock.Advance(TimeSpan.FromSeconds(1)); // the whole call's budget
        var ex = await Assert.ThrowsAsync<MarketplaceUnavailableException>(() => call.WaitAsync(Bound));

        Assert.True(ex.TimedOut);
        Assert.Contains("ResolveCustomer: no answer within 00:00:03", ex.Message);
        Assert.Contains("2 of 10 attempts", ex.Message);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task CancelledDuringBackoff_StopsAtOnce_NoFurtherRequest()
    {
        server.Respond = (_, _) => Throttled();
        using var cts = new CancellationTokenSource();

        var call = Resolve(Options(), ct: cts.Token);
        await Until(() => RetryLines == 1, "the first retry to be logged");
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Bound));
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task CancelledDuringAttempt_IsCancellation_NotRetriedNorUnavailable()
    {
        server.Respond = async (_, _) => { await hang.Task; return (200, Resolved, null); };
        using var cts = new CancellationTokenSource();

        var call = Resolve(Options(), ct: cts.Token);
        await Until(() => server.Requests.Count == 1, "the first attempt");
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Bound));
        Assert.Single(server.Requests);
        Assert.Equal(0, RetryLines);
    }

    /// <summary>
    /// portal.aws.retries measurements for calls to one server (its port), so tests running alongside don't count.
    /// </summary>
    private sealed class RetryCounter : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly ConcurrentQueue<(string? Method, string? Error)> seen = new();

        public RetryCounter(int port)
        {
            listener.InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == "Portal.Marketplace" && i.Name == "portal.aws.retries") l.EnableMeasurementEvents(i);
            };
            listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                var t = new Dictionary<string, object?>();
                foreach (var tag in tags) t[tag.Key] = tag.Value;
                if (Equals(t.GetValueOrDefault("server.port"), port))
                    for (var n = 0; n < value; n++) seen.Enqueue(((string?)t.GetValueOrDefault("rpc.method"), (string?)t.GetValueOrDefault("error.type")));
            });
            listener.Start();
        }

        public int Count(string method, string error) => seen.Count(s => s.Method == method && s.Error == error);

        public void Dispose() => listener.Dispose();
    }
}
