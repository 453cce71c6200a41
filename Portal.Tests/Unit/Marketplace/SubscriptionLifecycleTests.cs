using Portal.Marketplace.Lifecycle;
using Portal.Marketplace.Subscriptions;

namespace Portal.Tests.Unit.Marketplace;

/// <summary>All 25 (status, action) pairs of the subscription lifecycle, including late, duplicate and out-of-order messages.</summary>
public sealed class SubscriptionLifecycleTests
{
    private const SubscriptionStatus P = SubscriptionStatus.Pending, A = SubscriptionStatus.Active, C = SubscriptionStatus.PendingCancellation,
        X = SubscriptionStatus.Cancelled, F = SubscriptionStatus.Failed;

    [Theory]
    // Pending
    [InlineData(P, LifecycleAction.SubscribeSuccess, A)]
    [InlineData(P, LifecycleAction.SubscribeFail, F)]
    [InlineData(P, LifecycleAction.UnsubscribePending, C)]
    [InlineData(P, LifecycleAction.UnsubscribeSuccess, X)]   // unsubscribe-success before subscribe-success
    [InlineData(P, LifecycleAction.EntitlementUpdated, P)]
    // Active
    [InlineData(A, LifecycleAction.SubscribeSuccess, A)]     // duplicate
    [InlineData(A, LifecycleAction.SubscribeFail, A)]        // stale
    [InlineData(A, LifecycleAction.UnsubscribePending, C)]
    [InlineData(A, LifecycleAction.UnsubscribeSuccess, X)]
    [InlineData(A, LifecycleAction.EntitlementUpdated, A)]
    // PendingCancellation
    [InlineData(C, LifecycleAction.SubscribeSuccess, C)]     // late subscribe-success does not undo the cancellation
    [InlineData(C, LifecycleAction.SubscribeFail, C)]
    [InlineData(C, LifecycleAction.UnsubscribePending, C)]
    [InlineData(C, LifecycleAction.UnsubscribeSuccess, X)]
    [InlineData(C, LifecycleAction.EntitlementUpdated, C)]
    // Cancelled is final
    [InlineData(X, LifecycleAction.SubscribeSuccess, X)]
    [InlineData(X, LifecycleAction.SubscribeFail, X)]
    [InlineData(X, LifecycleAction.UnsubscribePending, X)]
    [InlineData(X, LifecycleAction.UnsubscribeSuccess, X)]
    [InlineData(X, LifecycleAction.EntitlementUpdated, X)]
    // Failed: AWS may still confirm after a failed attempt
    [InlineData(F, LifecycleAction.SubscribeSuccess, A)]
    [InlineData(F, LifecycleAction.SubscribeFail, F)]
    [InlineData(F, LifecycleAction.UnsubscribePending, F)]
    [InlineData(F, LifecycleAction.UnsubscribeSuccess, X)]
    [InlineData(F, LifecycleAction.EntitlementUpdated, F)]
    public void Apply_EveryStatusAndAction_LandsWhereExpected(SubscriptionStatus from, LifecycleAction action, SubscriptionStatus expected)
    {
        var outcome = SubscriptionLifecycle.Apply(from, action);

        Assert.Equal(expected, outcome.To);
        Assert.Equal(from != expected, outcome.Changed);
        Assert.False(string.IsNullOrEmpty(outcome.Reason));
    }

    [Theory]
    [InlineData("subscribe-success", LifecycleAction.SubscribeSuccess)]
    [InlineData("subscribe-fail", LifecycleAction.SubscribeFail)]
    [InlineData("unsubscribe-pending", LifecycleAction.UnsubscribePending)]
    [InlineData("unsubscribe-success", LifecycleAction.UnsubscribeSuccess)]
    [InlineData("entitlement-updated", LifecycleAction.EntitlementUpdated)]
    public void Parse_AwsActionNames_Map(string name, LifecycleAction expected) => Assert.Equal(expected, SubscriptionLifecycle.Parse(name));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Subscribe-Success")]
    [InlineData("refund")]
    public void Parse_Unknown_Null(string? name) => Assert.Null(SubscriptionLifecycle.Parse(name));
}
