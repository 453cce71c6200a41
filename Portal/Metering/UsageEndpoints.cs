using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Portal.Metering;

namespace Microsoft.AspNetCore.Routing;

/// <summary>
/// POST /api/v1/usage: the vendor's product reports an organization's usage with one of its API keys
/// (<c>Authorization: Bearer mpk_…</c> or <c>X-Api-Key</c>). Answers are JSON problem details a program can act on.
/// </summary>
public static class UsageEndpoints
{
    private const long MaxBodyBytes = 16 * 1024;

    /// <param name="Allocations">Optional split by tags, AWS's UsageAllocations: [{"quantity": 3, "tags": [{"key": "team", "value": "a"}]}].</param>
    public sealed record UsageRequest(string? Dimension, long? Quantity, DateTimeOffset? Timestamp, string? IdempotencyKey,
        List<AllocationInput>? Allocations = null);

    public static IEndpointRouteBuilder MapUsageApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/usage", (Delegate)RecordAsync).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .DisableAntiforgery().RequireRateLimiting(Portal.Operations.RateLimits.Usage).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> RecordAsync(HttpContext ctx, ApiKeyService keys, IUsageRecorder recorder, Portal.Operations.UsageKeyLimits limits)
    {
        // A program reads the status and the JSON: no HTML error page in its place.
        if (ctx.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
        var presented = ctx.Request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? auth["Bearer ".Length..].Trim() : ctx.Request.Headers["X-Api-Key"].ToString();
        var key = await keys.AuthenticateAsync(presented, ctx.RequestAborted);
        if (key is null)
        {
            ctx.Response.Headers.WWWAuthenticate = "Bearer";
            return Problem(StatusCodes.Status401Unauthorized, "invalid-api-key", "A valid API key is required (Authorization: Bearer <key>).");
        }
        if (await limits.AdmitAsync(ctx, key.Id) is { } refused) return refused;
        if (!(ctx.Request.ContentType ?? "").StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Send the usage as application/json.");

        UsageRequest? body;
        try { body = await JsonSerializer.DeserializeAsync<UsageRequest>(ctx.Request.Body, JsonSerializerOptions.Web, ctx.RequestAborted); }
        catch (JsonException) { return Problem(StatusCodes.Status400BadRequest, "malformed-json", "The body is not a usage object."); }
        catch (BadHttpRequestException) { return Problem(StatusCodes.Status413PayloadTooLarge, "too-large", $"The body is larger than {MaxBodyBytes} bytes."); }
        var idempotencyKey = ctx.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } h ? h : body?.IdempotencyKey;
        if (body?.Dimension is null || body.Quantity is null || string.IsNullOrEmpty(idempotencyKey))
            return Problem(StatusCodes.Status400BadRequest, "missing-field", "dimension, quantity and idempotencyKey (or an Idempotency-Key header) are required.");

        var result = await recorder.RecordAsync(key.OrganizationId, new UsageInput(body.Dimension, body.Quantity.Value, body.Timestamp, idempotencyKey, body.Allocations),
            $"api:{key.Id}", ctx.RequestAborted);
        return result.Outcome switch
        {
            UsageOutcome.Recorded => Results.Json(new { id = result.EventId, status = "recorded" }, statusCode: StatusCodes.Status202Accepted),
            UsageOutcome.Duplicate => Results.Json(new { id = result.EventId, status = "duplicate" }, statusCode: StatusCodes.Status200OK),
            UsageOutcome.IdempotencyConflict => Problem(StatusCodes.Status409Conflict, "idempotency-conflict", "This idempotency key was used for different usage."),
            UsageOutcome.NoSubscription => Problem(StatusCodes.Status409Conflict, "no-subscription", "The organization has no AWS Marketplace subscription linked."),
            UsageOutcome.SubscriptionEnded => Problem(StatusCodes.Status409Conflict, "subscription-ended", "The organization's AWS Marketplace subscription has ended."),
            UsageOutcome.InvalidDimension => Problem(StatusCodes.Status422UnprocessableEntity, "invalid-dimension", "The dimension is not one of the product's metering dimensions."),
            UsageOutcome.InvalidQuantity => Problem(StatusCodes.Status422UnprocessableEntity, "invalid-quantity", "quantity must be a whole number from 0 to 2147483647."),
            UsageOutcome.InvalidIdempotencyKey => Problem(StatusCodes.Status422UnprocessableEntity, "invalid-idempotency-key", "The idempotency key must be 1 to 128 printable characters."),
            UsageOutcome.InvalidAllocations => Problem(StatusCodes.Status422UnprocessableEntity, "invalid-allocations", result.Problem!),
            UsageOutcome.TooLateToBill => Problem(StatusCodes.Status422UnprocessableEntity, "too-late-to-bill",
                $"AWS bills usage of this hour only if it arrives before {result.BillableUntil:yyyy-MM-ddTHH:mm:ssZ} (24 hours after it, and a month's usage until 06:00 UTC on the 1st); it is too close to that cutoff to be sent."),
            _ => Problem(StatusCodes.Status422UnprocessableEntity, "timestamp-out-of-range", "timestamp must be within the metering window and not in the future."),
        };
    }

    private static IResult Problem(int status, string code, string detail) =>
        Results.Problem(statusCode: status, title: code, detail: detail, type: $"https://docs.portal/errors/{code}");
}
