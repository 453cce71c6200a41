using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace Portal.Marketplace.Aws;

/// <summary>Where one service lives and how requests to it are signed.</summary>
public sealed record AwsServiceEndpoint(Uri Url, string Region, string TargetPrefix, string SigningName = "aws-marketplace");

/// <summary>Supplies the credentials to sign with; the default walks AWSSDK.Core's standard chain.</summary>
public interface IAwsCredentialSource
{
    ValueTask<AWSCredentials> GetAsync(CancellationToken cancellationToken);
}

/// <summary>
/// AWS JSON 1.1 over HttpClient: serializes, signs with SigV4, retries throttling and AWS faults with jittered
/// exponential backoff inside a total time budget, bounds each attempt by a timeout and maps errors to types.
/// </summary>
public sealed class AwsJsonTransport(
    HttpClient http, AwsServiceEndpoint endpoint, IAwsCredentialSource credentials, AwsCallOptions calls,
    TimeProvider time, ILogger logger)
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNameCaseInsensitive = true,
    };

    public async Task<TResponse> InvokeAsync<TRequest, TResponse>(string operation, TRequest request, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, Json);
        var started = time.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            var remaining = calls.MaxTotalTime - time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
                throw new MarketplaceUnavailableException($"{operation}: no answer within {calls.MaxTotalTime}.", timedOut: true);
            try
            {
                return await SendOnceAsync<TResponse>(operation, body, Min(calls.AttemptTimeout, remaining), ct);
            }
            catch (Exception ex) when (IsRetryable(ex) && attempt < calls.MaxAttempts)
            {
                var delay = Backoff(attempt);
                if (time.GetElapsedTime(started) + delay >= calls.MaxTotalTime) throw;
                logger.LogWarning("{Operation} attempt {Attempt} failed with {Error}; retrying in {Delay} ms",
                    operation, attempt, ErrorName(ex), (int)delay.TotalMilliseconds);
                await Task.Delay(delay, time, ct);
            }
        }
    }

    private async Task<TResponse> SendOnceAsync<TResponse>(string operation, byte[] body, TimeSpan timeout, CancellationToken ct)
    {
        using var timeoutCts = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutCts.Token);
        var target = $"{endpoint.TargetPrefix}.{operation}";
        using var message = await BuildSignedRequestAsync(target, body, linked.Token);
        try
        {
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var payload = await response.Content.ReadAsByteArrayAsync(linked.Token);
            if (response.IsSuccessStatusCode)
                return JsonSerializer.Deserialize<TResponse>(payload, Json)
                       ?? throw new AmazonMarketplaceException("SerializationException", "Empty response body.", response.StatusCode, null);
            throw ParseError(response, payload);
        }
        catch (OperationCanceledException) when (timeoutCts.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new MarketplaceUnavailableException($"{operation}: the attempt timed out after {timeout}.", timedOut: true);
        }
        catch (HttpRequestException ex)
        {
            throw new MarketplaceUnavailableException($"{operation}: {ex.Message}", timedOut: false, ex);
        }
        catch (JsonException ex)
        {
            throw new AmazonMarketplaceException("SerializationException", $"Malformed response: {ex.Message}", HttpStatusCode.OK, null);
        }
    }

    private async Task<HttpRequestMessage> BuildSignedRequestAsync(string target, byte[] body, CancellationToken ct)
    {
        const string contentType = "application/x-amz-json-1.1";
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = endpoint.Url, Content = body };
        signing.Headers["X-Amz-Target"] = target;
        signing.Headers["Content-Type"] = contentType;
        var result = await AWSSigV4Signer.SignAsync(signing, new AWSSigV4Parameters
        {
            Credentials = await credentials.GetAsync(ct),
            Region = RegionEndpoint.GetBySystemName(endpoint.Region),
            Service = endpoint.SigningName,
            SignPayload = true,
            SignedAt = time.GetUtcNow().UtcDateTime,
        }, ct);

        var message = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        message.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        foreach (var (name, value) in result.Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) || name.Equals("X-Amz-Target", StringComparison.OrdinalIgnoreCase) ||
                name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                continue;
            message.Headers.TryAddWithoutValidation(name, value);
        }
        return message;
    }

    internal static AmazonMarketplaceException ParseError(HttpResponseMessage response, byte[] payload)
    {
        string? type = null, text = null;
        try
        {
            using var doc = JsonDocument.Parse(payload);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    if (p.NameEquals("__type") || p.Name.Equals("code", StringComparison.OrdinalIgnoreCase)) type ??= p.Value.GetString();
                    else if (p.Name.Equals("message", StringComparison.OrdinalIgnoreCase)) text ??= p.Value.GetString();
                }
        }
        catch (JsonException) { /* not JSON: fall back to the header and the status code */ }
        if (response.Headers.TryGetValues("X-Amzn-ErrorType", out var header)) type ??= header.FirstOrDefault();
        type = NormalizeErrorType(type) ?? ((int)response.StatusCode >= 500 ? "InternalServiceErrorException" : "UnknownError");
        var requestId = response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null;
        return AmazonMarketplaceException.Create(type, text ?? type, response.StatusCode, requestId);
    }

    /// <summary>"aws.protocoltests#FooError" and "FooError:http://internal.amazon.com/..." both mean FooError.</summary>
    internal static string? NormalizeErrorType(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var s = raw;
        var hash = s.LastIndexOf('#');
        if (hash >= 0) s = s[(hash + 1)..];
        var colon = s.IndexOf(':');
        if (colon >= 0) s = s[..colon];
        return s.Trim();
    }

    private static bool IsRetryable(Exception ex) =>
        ex is ThrottlingException or InternalServiceErrorException or MarketplaceUnavailableException
        || ex is AmazonMarketplaceException { StatusCode: >= HttpStatusCode.InternalServerError } and not DisabledApiException;

    private static string ErrorName(Exception ex) => ex is AmazonMarketplaceException a ? a.ErrorType : ex.GetType().Name;

    private TimeSpan Backoff(int attempt)
    {
        // Full jitter (AWS Architecture Blog): uniform in [0, min(cap, base * 2^attempt)].
        var ceiling = Math.Min(calls.MaxDelay.TotalMilliseconds, calls.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
