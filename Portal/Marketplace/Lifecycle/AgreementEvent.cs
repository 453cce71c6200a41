using System.Text.Json;

namespace Portal.Marketplace.Lifecycle;

/// <summary>
/// An aws.agreement-marketplace event, read exactly as AWS's seller guide prints them
/// (https://docs.aws.amazon.com/marketplace/latest/userguide/notifications-eventbridge.html, "Events for agreements"
/// and "Events for licenses"; https://docs.aws.amazon.com/marketplace/latest/userguide/saas-eventbridge-integration.html).
/// Purchase Agreement events: detail.agreement {id, intent, status}, detail.acceptor.accountId, detail.offer.id; no
/// product code and no license. License events: detail.product.code, detail.license.arn, detail.agreement.id (the one
/// link between the two), detail.acceptor.accountId. The manufacturer and proposer copies of one change differ only
/// in their detail-type suffix and event id.
/// </summary>
public sealed record AgreementEvent(string EventId, string DetailType, MarketplaceNotification? Notification)
{
    public static AgreementEvent? Parse(JsonElement root, DateTimeOffset now)
    {
        if (root.ValueKind != JsonValueKind.Object) return null;
        var id = Str(root, "id");
        var detailType = Str(root, "detail-type");
        if (id is null || detailType is null || Str(root, "source") != EventBridgeSourceName) return null;
        if (id.Length > 100) return null;
        var detail = root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        var kind = BaseType(detailType);
        var agreement = Obj(detail, "agreement");
        var status = Str(agreement, "status");
        LifecycleAction? action = kind switch
        {
            "Purchase Agreement Created" => LifecycleAction.SubscribeSuccess,
            "Purchase Agreement Amended" or "License Updated" => LifecycleAction.EntitlementUpdated,
            // Renewed or replaced: the buyer keeps the product under a new agreement, so only the terms changed.
            "Purchase Agreement Ended" when status is "RENEWED" or "REPLACED" => LifecycleAction.EntitlementUpdated,
            // AWS: "Purchase Agreement Ended" opens a one-hour window for the last usage; "License Deprovisioned"
            // follows when the entitlement is revoked and usage is no longer accepted (SNS: unsubscribe-pending, then
            // unsubscribe-success).
            "Purchase Agreement Ended" => LifecycleAction.UnsubscribePending,
            "License Deprovisioned" => LifecycleAction.UnsubscribeSuccess,
            _ => null,
        };
        if (action is null) return new(id, detailType, null);

        var agreementId = Str(agreement, "id");
        var product = Str(Obj(detail, "product"), "code");
        var license = Str(Obj(detail, "license"), "arn");
        var account = Str(Obj(detail, "acceptor"), "accountId");
        // Without the agreement or the license nothing can ever place the event: it is not one of AWS's.
        if (agreementId is null && license is null) return null;
        var change = Str(detail, "requestId") ?? Str(root, "time") ?? id;
        return new(id, detailType, new MarketplaceNotification
        {
            MessageId = "eb:" + id, Source = "eventbridge", Action = action.Value, ProductCode = Cap(product, 255) ?? "",
            LicenseArn = Cap(license, 512), CustomerAwsAccountId = Cap(account, 32), AgreementId = Cap(agreementId, 64), ReceivedAt = now,
            DedupKey = Cap($"eb:{agreementId ?? license}:{kind}:{status}:{change}", 300),
        });
    }

    private const string EventBridgeSourceName = "aws.agreement-marketplace";

    /// <summary>"Purchase Agreement Created - Manufacturer" → "Purchase Agreement Created".</summary>
    public static string BaseType(string detailType) =>
        detailType.LastIndexOf(" - ", StringComparison.Ordinal) is var i and > 0 ? detailType[..i] : detailType;

    private static JsonElement Obj(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : default;

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? Cap(string? s, int max) => s is { } v && v.Length > max ? null : s;
}

/// <summary>
/// License ARNs are spelled more than one way (AWS's own event example drops the leading "arn:"); the license id
/// ("l-…", the last segment) is what identifies a license, so matching compares on it.
/// </summary>
public static class LicenseKey
{
    public static string? IdOf(string? arn)
    {
        if (string.IsNullOrEmpty(arn)) return null;
        var last = arn[(arn.LastIndexOfAny([':', '/']) + 1)..];
        return last.StartsWith("l-", StringComparison.Ordinal) && last.Length > 2 ? last : null;
    }
}
