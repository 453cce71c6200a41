using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Polly;
using Polly.Timeout;

namespace Portal.Marketplace.Aws;

/// <summary>Where one service lives and how requests to it are signed.</summary>
public sealed record AwsServiceEndpoint(Uri Url, string Region, string TargetPrefix, string SigningName = "aws-marketplace");

/// <summary>Supplies the credentials to sign with; the default walks AWSSDK.Core's standard chain.</summary>
public interface IAwsCredentialSource
{
    ValueTask<AWSCredentials> GetAsync(CancellationToken cancellationToken);
}

/// <summary>
/// AWS JSON 1.1 over HttpClient: serializes, signs each attempt with SigV4 and maps errors to types; retries,
/// backoff and timeouts are <see cref="AwsResilience"/>'s pipeline.
/// </summary>
public sealed class AwsJsonTransport(
    HttpClient http, AwsServiceEndpoint endpoint, IAwsCredentialSource credentials, AwsCallOptions calls,
    TimeProvider time, ILogger logger, MarketplaceMetrics? metrics = null)
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNameCaseInsensitive = true,
    };

    public async Task<TResponse> InvokeAsync<TRequest, TResponse>(string operation, TRequest request, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, Json);
        var call = new AwsResilience.AwsCall(operation, endpoint, logger, metrics);
        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(AwsResilience.CallKey, call);
        try
        {
            return await AwsResilience.For(calls, time).ExecuteAsync(
                static (ctx, s) => s.Self.SendOnceAsync<TResponse>(s.Call, s.Body, ctx.CancellationToken), context, (Self: this, Call: call, Body: body));
        }
        catch (TimeoutRejectedException ex)
        {
            // The total budget ran out (perhaps during a backoff), or the last attempt did: AWS gave no answer in time.
            var last = call.LastError is null ? "" : $"; last error before: {call.LastError}";
            var what = ex.Timeout == calls.MaxTotalTime ? $"no answer within {ex.Timeout}" : $"the attempt timed out after {ex.Timeout}";
            throw new MarketplaceUnavailableException($"{operation}: {what} ({call.Attempts} of {calls.MaxAttempts} attempts{last}).", timedOut: true, ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// One attempt, signed afresh (a retried request carries its own X-Amz-Date). Cancellation is left to propagate:
    /// the pipeline's timeouts tell their own expiry from the caller's cancellation.
    /// </summary>
    private async ValueTask<TResponse> SendOnceAsync<TResponse>(AwsResilience.AwsCall call, byte[] body, CancellationToken ct)
    {
        Interlocked.Increment(ref call.Attempts);
        var target = $"{endpoint.TargetPrefix}.{call.Operation}";
        using var message = await BuildSignedRequestAsync(target, body, ct);
        try
        {
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct);
            var payload = await response.Content.ReadAsByteArrayAsync(ct);
            if (response.IsSuccessStatusCode)
                return JsonSerializer.Deserialize<TResponse>(payload, Json)
                       ?? throw new AmazonMarketplaceException("SerializationException", "Empty response body.", response.StatusCode, null);
            throw ParseError(response, payload);
        }
        catch (HttpRequestException ex)
        {
            ct.ThrowIfCancellationRequested(); // a timeout or the caller, not the network: the pipeline tells which
            throw new MarketplaceUnavailableException($"{call.Operation}: {ex.Message}", timedOut: false, ex);
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
}
