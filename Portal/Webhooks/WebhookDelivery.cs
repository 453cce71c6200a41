using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Webhooks;

public enum WebhookDeliveryStatus { Pending, Delivered, Failed }

/// <summary>
/// One event for the vendor's product, in the outbox. It is written in the same transaction as the subscription
/// change it describes, and marked Delivered only after the product answered 2xx: an outage delays events, never loses them.
/// </summary>
public sealed class WebhookDelivery
{
    public const int MaxErrorLength = 1000;

    public Guid Id { get; init; } = Guid.NewGuid();
    /// <summary>"evt_…": the receiver's de-duplication key, the same on every retry.</summary>
    public required string EventId { get; init; }
    public required string EventType { get; init; }
    public Guid SubscriptionId { get; init; }
    /// <summary>The exact JSON body sent (and signed) on every attempt.</summary>
    public required string Payload { get; init; }
    public WebhookDeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? DeliveredAt { get; set; }

    public void MarkDelivered(int statusCode, DateTimeOffset now)
    {
        Attempts++;
        Status = WebhookDeliveryStatus.Delivered;
        DeliveredAt = now;
        LastStatusCode = statusCode;
        LastError = null;
    }

    /// <summary>Records a failed attempt; gives up (Failed) once the attempts are spent, else schedules the retry.</summary>
    public void MarkAttemptFailed(int? statusCode, string error, DateTimeOffset retryAt, int maxAttempts)
    {
        Attempts++;
        LastStatusCode = statusCode;
        LastError = error.Length <= MaxErrorLength ? error : error[..(MaxErrorLength - 1)] + "…";
        NextAttemptAt = retryAt;
        if (Attempts >= maxAttempts) Status = WebhookDeliveryStatus.Failed;
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.ToTable("WebhookDeliveries");
        b.Property(d => d.EventId).HasMaxLength(64).IsRequired();
        b.HasIndex(d => d.EventId).IsUnique();
        b.Property(d => d.EventType).HasMaxLength(64).IsRequired();
        b.Property(d => d.Payload).IsRequired();
        b.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(d => d.LastError).HasMaxLength(WebhookDelivery.MaxErrorLength);
        // The worker reads Pending rows oldest first.
        b.HasIndex(d => new { d.Status, d.CreatedAt }).HasDatabaseName("IX_WebhookDeliveries_Due");
        b.HasIndex(d => d.SubscriptionId);
    }
}
