using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Portal.Marketplace;
using Portal.Marketplace.Lifecycle;

namespace Microsoft.AspNetCore.Routing;

/// <summary>
/// POST /marketplace/notifications/eventbridge: an EventBridge API destination forwarding aws.agreement-marketplace
/// events, authenticated by a shared secret header. Applied once per event id, and once per agreement change: the
/// same change arrives twice when the vendor is both manufacturer and proposer.
/// </summary>
public static class EventBridgeEndpoints
{
    public const string Source = "aws.agreement-marketplace";
    private const long MaxBodyBytes = 256 * 1024;

    public static IEndpointRouteBuilder MapEventBridgeNotifications(this IEndpointRouteBuilder app)
    {
        app.MapPost("/marketplace/notifications/eventbridge", (Delegate)ReceiveAsync)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes)).DisableAntiforgery().RequireRateLimiting(Portal.Operations.RateLimits.Notifications).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ReceiveAsync(HttpContext ctx, IOptions<MarketplaceOptions> options, LifecycleService lifecycle,
        TimeProvider time, ILoggerFactory loggers, MarketplaceMetrics metrics)
    {
        if (ctx.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
        var o = options.Value.EventBridge;
        if (string.IsNullOrEmpty(o.Secret)) return Results.NotFound();
        if (!SecretMatches(ctx.Request.Headers[o.HeaderName].ToString(), o.Secret)) return Refuse(metrics, "secret", StatusCodes.Status401Unauthorized);
        var logger = loggers.CreateLogger(typeof(EventBridgeEndpoints));

        JsonDocument doc;
        try
        {
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer, ctx.RequestAborted);
            doc = JsonDocument.Parse(buffer.ToArray());
        }
        catch (Exception ex) when (ex is JsonException or BadHttpRequestException or DecoderFallbackException)
        {
            return Refuse(metrics, "malformed", StatusCodes.Status400BadRequest);
        }
        using (doc)
        {
            var parsed = AgreementEvent.Parse(doc.RootElement, time.GetUtcNow());
            if (parsed is null) return Refuse(metrics, "malformed", StatusCodes.Status400BadRequest);
            if (parsed.Notification is not { } notification)
            {
                // A well-formed event this portal has nothing to do with (e.g. "Purchase Agreement Ending"): acknowledged.
                metrics.EventBridgeAccepted("ignored");
                return Results.Ok();
            }
            // Authenticated, but still input: identifiers that are not AWS's shape are refused, not stored.
            if (!notification.IsWellFormed()) return Refuse(metrics, "malformed", StatusCodes.Status400BadRequest);
            // Agreement events name no product (only License events do): those are kept until a license event places them.
            if (notification.ProductCode.Length > 0 && options.Value.FindProduct(notification.ProductCode) is null)
            {
                // Another product of the same seller: acknowledged (EventBridge would retry otherwise), never kept.
                metrics.EventBridgeAccepted("other-product");
                return Results.Ok();
            }
            var result = await lifecycle.ReceiveAsync(notification, ctx.RequestAborted);
            logger.LogInformation("EventBridge {DetailType} {EventId}: {Result}", parsed.DetailType, parsed.EventId, result);
            metrics.EventBridgeAccepted(result.ToString());
            return Results.Ok();
        }
    }

    private static bool SecretMatches(string presented, string secret)
    {
        var a = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var b = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        return presented.Length > 0 && CryptographicOperations.FixedTimeEquals(a, b);
    }

    private static IResult Refuse(MarketplaceMetrics metrics, string reason, int status)
    {
        metrics.EventBridgeRejected(reason);
        return Results.StatusCode(status);
    }
}
