using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Portal.Marketplace;
using Portal.Marketplace.Lifecycle;

namespace Microsoft.AspNetCore.Routing;

/// <summary>POST /marketplace/notifications/sns: Amazon SNS deliveries of the SaaS lifecycle topic.</summary>
public static class SnsEndpoints
{
    private const long MaxBodyBytes = 256 * 1024; // SNS messages are at most 256 KB

    public static IEndpointRouteBuilder MapSnsNotifications(this IEndpointRouteBuilder app)
    {
        app.MapPost("/marketplace/notifications/sns", (Delegate)ReceiveAsync)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes)).RequireRateLimiting(Portal.Operations.RateLimits.Notifications).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ReceiveAsync(HttpContext ctx, IOptions<MarketplaceOptions> options, SnsSignatureVerifier verifier,
        LifecycleService lifecycle, IHttpClientFactory http, TimeProvider time, ILoggerFactory loggers, Portal.Marketplace.Simulator.SimulatorNotifier simulator,
        MarketplaceMetrics metrics)
    {
        // AWS reads the status code only: no HTML error page re-executed in place of it.
        if (ctx.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
        var logger = loggers.CreateLogger(typeof(SnsEndpoints));
        var sns = options.Value.Sns;
        var simulated = options.Value.Mode == MarketplaceMode.Simulator;
        // In simulator mode the simulator's own topic is accepted too (its certificate is pinned, never fetched).
        IReadOnlyCollection<string> topics = simulated ? [.. sns.TopicArns, simulator.TopicArn] : sns.TopicArns;
        if (topics.Count == 0) return Results.NotFound();
        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer, ctx.RequestAborted);
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException)
        {
            return Refuse(metrics, "too-large", StatusCodes.Status400BadRequest);
        }
        if (SnsMessage.TryParse(body) is not { } message) return Refuse(metrics, "malformed", StatusCodes.Status400BadRequest);

        var verdict = await verifier.VerifyAsync(message, topics, new Regex(sns.CertificateUrlPattern), ctx.RequestAborted,
            simulated ? simulator.PinnedFor(message) : null);
        if (verdict != SnsVerdict.Valid)
        {
            logger.LogWarning("SNS message {MessageId} refused: {Verdict}", message.MessageId, verdict);
            return Refuse(metrics, verdict.ToString(), StatusCodes.Status403Forbidden);
        }

        switch (message.Type)
        {
            case SnsMessage.SubscriptionConfirmation when message.SubscribeUrl is { } url && Regex.IsMatch(url, sns.SubscribeUrlPattern):
                using (var client = http.CreateClient("sns-confirm"))
                    (await client.GetAsync(url, ctx.RequestAborted)).EnsureSuccessStatusCode();
                logger.LogInformation("SNS subscription to {TopicArn} confirmed", message.TopicArn);
                break;
            case SnsMessage.SubscriptionConfirmation:
                return Refuse(metrics, "untrusted-subscribe-url", StatusCodes.Status403Forbidden);
            case SnsMessage.Notification:
                if (Parse(message, time) is not { } notification) return Refuse(metrics, "unknown-action", StatusCodes.Status400BadRequest);
                // Signed, yet an identifier no column can hold would fail at SaveChanges (a 500 SNS retries for days).
                if (!notification.IsWellFormed()) return Refuse(metrics, "malformed-message", StatusCodes.Status400BadRequest);
                var result = await lifecycle.ReceiveAsync(notification, ctx.RequestAborted);
                logger.LogInformation("SNS {Action} {MessageId}: {Result}", notification.Action, message.MessageId, result);
                break;
        }
        metrics.SnsAccepted(message.Type);
        return Results.Ok();
    }

    private static IResult Refuse(MarketplaceMetrics metrics, string reason, int status)
    {
        metrics.SnsRejected(reason);
        return Results.StatusCode(status);
    }

    /// <summary>The SaaS message inside the SNS envelope: {"action", "product-code", "customer-identifier" | "customer-aws-account-id", …}.</summary>
    private static MarketplaceNotification? Parse(SnsMessage message, TimeProvider time)
    {
        try
        {
            using var doc = JsonDocument.Parse(message.Message);
            var r = doc.RootElement;
            string? S(string name) => r.ValueKind == JsonValueKind.Object && r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var action = SubscriptionLifecycle.Parse(S("action"));
            var product = S("product-code");
            if (action is null || product is null) return null;
            var (customer, account, license) = (S("customer-identifier"), S("customer-aws-account-id"), S("licenseArn") ?? S("license-arn"));
            if (customer is null && account is null && license is null) return null;
            return new MarketplaceNotification
            {
                MessageId = message.MessageId, Source = "sns", Action = action.Value, ProductCode = product, CustomerIdentifier = customer,
                CustomerAwsAccountId = account, LicenseArn = license, ReceivedAt = time.GetUtcNow(),
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
