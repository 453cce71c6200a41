using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Marketplace.Subscriptions;

namespace Portal.Webhooks;

/// <summary>The JSON body of a webhook: what happened, when, and the subscription as it stands after the change.</summary>
public sealed record WebhookEvent(string Id, string Type, DateTimeOffset OccurredAt, WebhookSubscription Subscription)
{
    public const string IdPrefix = "evt_";

    // Web defaults give camelCase names; enums go out as camelCase strings ("payg", "pendingCancellation").
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Version 7 GUIDs sort by creation time, which keeps ids readable in a receiver's logs.</summary>
    public static string NewId(DateTimeOffset now) => IdPrefix + Guid.CreateVersion7(now).ToString("N");

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

public sealed record WebhookSubscription(
    Guid Id, string ProductCode, string CustomerAwsAccountId, string? LicenseArn, string? CustomerIdentifier,
    OfferType OfferType, SubscriptionStatus Status, Guid? OrganizationId, DateTimeOffset? LinkedAt);
