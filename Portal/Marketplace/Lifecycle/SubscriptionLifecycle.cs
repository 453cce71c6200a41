using Portal.Marketplace.Subscriptions;

namespace Portal.Marketplace.Lifecycle;

/// <summary>The lifecycle actions AWS Marketplace announces for a SaaS subscription (SNS "action" values).</summary>
public enum LifecycleAction { SubscribeSuccess, SubscribeFail, UnsubscribePending, UnsubscribeSuccess, EntitlementUpdated }

/// <summary>What applying an action did: moved the status, kept it (a duplicate or stale message), or nothing to move.</summary>
public sealed record LifecycleOutcome(SubscriptionStatus From, SubscriptionStatus To, bool Changed, string Reason);

/// <summary>
/// Pending → Active → PendingCancellation → Cancelled, and Failed. Plain C#, no EF: notifications arrive late, twice
/// or out of order (unsubscribe-success before subscribe-success), so every (status, action) pair has an answer and
/// none of them throws. Cancelled is final: nothing AWS sends afterwards revives a subscription.
/// </summary>
public static class SubscriptionLifecycle
{
    public static LifecycleOutcome Apply(SubscriptionStatus from, LifecycleAction action)
    {
        var to = (from, action) switch
        {
            (SubscriptionStatus.Cancelled, _) => SubscriptionStatus.Cancelled,
            (_, LifecycleAction.EntitlementUpdated) => from,
            (_, LifecycleAction.UnsubscribeSuccess) => SubscriptionStatus.Cancelled,
            (SubscriptionStatus.Pending or SubscriptionStatus.Failed, LifecycleAction.SubscribeSuccess) => SubscriptionStatus.Active,
            (SubscriptionStatus.Pending, LifecycleAction.SubscribeFail) => SubscriptionStatus.Failed,
            (SubscriptionStatus.Pending or SubscriptionStatus.Active, LifecycleAction.UnsubscribePending) => SubscriptionStatus.PendingCancellation,
            _ => from,
        };
        var reason = to != from ? $"{action} moved {from} to {to}"
            : from == SubscriptionStatus.Cancelled ? $"{action} ignored: the subscription is cancelled"
            : action == LifecycleAction.EntitlementUpdated ? "entitlements changed; status unchanged"
            : $"{action} ignored in {from} (duplicate or out of order)";
        return new LifecycleOutcome(from, to, to != from, reason);
    }

    /// <summary>The SNS message's "action" field, or null for one this portal does not know.</summary>
    public static LifecycleAction? Parse(string? action) => action switch
    {
        "subscribe-success" => LifecycleAction.SubscribeSuccess,
        "subscribe-fail" => LifecycleAction.SubscribeFail,
        "unsubscribe-pending" => LifecycleAction.UnsubscribePending,
        "unsubscribe-success" => LifecycleAction.UnsubscribeSuccess,
        "entitlement-updated" => LifecycleAction.EntitlementUpdated,
        _ => null,
    };
}
