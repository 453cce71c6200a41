using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Lifecycle;
using Portal.Marketplace.Simulator;
using Portal.Marketplace.Subscriptions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Lifecycle;

/// <summary>The simulator's notifications go through the real endpoints and checks; its certificate is trusted in simulator mode only.</summary>
public sealed class SimulatorNotifierTests : IAsyncLifetime
{
    private PortalAppFactory app = null!;

    public Task InitializeAsync() { app = new PortalAppFactory(); _ = app.BaseAddress; return Task.CompletedTask; }
    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<SubscriptionStatus> StatusAsync(Guid id)
    {
        await using var db = app.CreateDbContext();
        return (await db.Subscriptions.SingleAsync(s => s.Id == id)).Status;
    }

    [Fact]
    public async Task Every_SNS_action_fired_by_the_simulator_is_verified_and_applied()
    {
        var notifier = app.Services.GetRequiredService<SimulatorNotifier>();
        var s = await app.LandAsync("530000000001");
        Assert.Equal(200, await notifier.SendSnsAsync("subscribe-success", s));
        Assert.Equal(SubscriptionStatus.Active, await StatusAsync(s.Id));
        Assert.Equal(200, await notifier.SendSnsAsync("unsubscribe-pending", s));
        Assert.Equal(SubscriptionStatus.PendingCancellation, await StatusAsync(s.Id));
        Assert.Equal(200, await notifier.SendSnsAsync("unsubscribe-success", s));
        Assert.Equal(SubscriptionStatus.Cancelled, await StatusAsync(s.Id));

        var failed = await app.LandAsync("530000000002");
        Assert.Equal(200, await notifier.SendSnsAsync("subscribe-fail", failed));
        Assert.Equal(SubscriptionStatus.Failed, await StatusAsync(failed.Id));
    }

    [Fact]
    public async Task Entitlement_updated_from_the_simulator_refreshes_the_stored_entitlements()
    {
        var notifier = app.Services.GetRequiredService<SimulatorNotifier>();
        var state = app.Services.GetRequiredService<SimulatorState>();
        var s = await app.LandAsync("530000000003", SimulatedOffer.Contract);
        state.SetEntitlements(s.LicenseArn!, [new Portal.Marketplace.Aws.Entitlement { ProductCode = s.ProductCode, LicenseArn = s.LicenseArn,
            Dimension = "Seats", Value = new() { IntegerValue = 50 }, ExpirationDate = DateTimeOffset.UtcNow.AddYears(2) }]);

        Assert.Equal(200, await notifier.SendSnsAsync("entitlement-updated", s));

        await using var db = app.CreateDbContext();
        var stored = await db.Entitlements.SingleAsync(e => e.SubscriptionId == s.Id);
        Assert.Equal(("Seats", "50"), (stored.Dimension, stored.Value));
    }

    [Fact]
    public async Task EventBridge_from_the_simulator_arrives_twice_and_is_applied_once()
    {
        var notifier = app.Services.GetRequiredService<SimulatorNotifier>();
        var s = await app.LandAsync("530000000004");
        var answers = await notifier.SendEventBridgeAsync("Purchase Agreement Created", s);
        Assert.Equal(new[] { 200, 200, 200 }, answers); // License Updated (links the agreement), then Manufacturer and Proposer
        Assert.Equal(SubscriptionStatus.Active, await StatusAsync(s.Id));
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.MarketplaceNotifications.CountAsync(n => n.Source == "eventbridge" && n.Action == Portal.Marketplace.Lifecycle.LifecycleAction.SubscribeSuccess));
        Assert.Equal(SimulatorNotifier.AgreementIdOf(s), (await db.Subscriptions.SingleAsync(x => x.Id == s.Id)).AgreementId);
    }

    [Fact]
    public void The_simulator_certificate_is_pinned_only_for_its_own_URL()
    {
        var notifier = app.Services.GetRequiredService<SimulatorNotifier>();
        SnsMessage With(string url) => new(SnsMessage.Notification, "m", notifier.TopicArn, null, "{}", "t", "2", "", url, null, null);
        Assert.NotNull(notifier.PinnedFor(With(notifier.CertificateUrl)));
        Assert.Null(notifier.PinnedFor(With("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem")));
    }
}
