using Portal.Marketplace.Subscriptions;
using Portal.Webhooks;

namespace Portal.Tests.Unit.Webhooks;

public sealed class WebhookBackoffTests
{
    private static readonly WebhookOptions Options = new() { BaseDelay = TimeSpan.FromSeconds(5), MaxDelay = TimeSpan.FromMinutes(1) };

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(5, 60)]
    [InlineData(50, 60)]
    public void Backoff_NoJitter_DoublesUpToMaxDelay(int attempts, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), WebhookDeliveryWorker.Backoff(attempts, Options, random: 1));
    }

    [Fact]
    public void Backoff_Jitter_StaysInTheUpperHalf()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), WebhookDeliveryWorker.Backoff(3, Options, random: 0));
        Assert.Equal(TimeSpan.FromSeconds(15), WebhookDeliveryWorker.Backoff(3, Options, random: 0.5));
    }

    [Fact]
    public void MarkAttemptFailed_LastAttempt_FailedWithTruncatedError()
    {
        var delivery = new WebhookDelivery { EventId = "evt_1", EventType = "subscription.linked", Payload = "{}", Attempts = 2 };

        delivery.MarkAttemptFailed(500, new string('x', 5000), DateTimeOffset.UnixEpoch, maxAttempts: 3);

        Assert.Equal(WebhookDeliveryStatus.Failed, delivery.Status);
        Assert.Equal(3, delivery.Attempts);
        Assert.Equal(WebhookDelivery.MaxErrorLength, delivery.LastError!.Length);
    }

    [Fact]
    public void EventJson_CamelCaseWithEnumNames()
    {
        var id = Guid.Parse("6f1c2b8e-0000-4000-8000-000000000001");
        var evt = new WebhookEvent("evt_1", "subscription.unsubscribepending", new DateTimeOffset(2026, 11, 24, 5, 0, 0, TimeSpan.Zero),
            new WebhookSubscription(id, "prod", "123456789012", "arn:l", null, OfferType.Payg, SubscriptionStatus.PendingCancellation, null, null));

        var json = evt.ToJson();

        Assert.Equal("""{"id":"evt_1","type":"subscription.unsubscribepending","occurredAt":"2026-11-24T05:00:00+00:00","subscription":{"id":"6f1c2b8e-0000-4000-8000-000000000001","productCode":"prod","customerAwsAccountId":"123456789012","licenseArn":"arn:l","customerIdentifier":null,"offerType":"payg","status":"pendingCancellation","organizationId":null,"linkedAt":null}}""", json);
    }
}
