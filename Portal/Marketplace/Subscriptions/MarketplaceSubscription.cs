namespace Portal.Marketplace.Subscriptions;

public enum OfferType { Unknown = 0, Payg = 1, Contract = 2 }

public enum SubscriptionStatus { Pending = 0, Active = 1, PendingCancellation = 2, Cancelled = 3, Failed = 4 }

/// <summary>An AWS Marketplace subscription as ResolveCustomer reported it.</summary>
public sealed class MarketplaceSubscription
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public required string ProductCode { get; init; }
    public required string CustomerAwsAccountId { get; init; }
    /// <summary>
    /// The preferred key. AWS now returns it to older integrations too, so a row stored by <see cref="CustomerIdentifier"/>
    /// alone gains it (once, never changed afterwards) when its customer lands again or a message names both.
    /// </summary>
    public string? LicenseArn { get; set; }
    /// <summary>Sent only to integrations older than the LicenseArn change.</summary>
    public string? CustomerIdentifier { get; init; }
    /// <summary>
    /// The AWS agreement behind the license. ResolveCustomer does not name it; a License event (which carries the
    /// license and the agreement) links it, and agreement events (which name only the agreement) are placed by it.
    /// </summary>
    public string? AgreementId { get; set; }
    /// <summary>
    /// Whether the product allowed Concurrent Agreements when this subscription was created (the product setting,
    /// copied): the database enforces one linked PAYG subscription per account only for rows where it is false.
    /// </summary>
    public bool ConcurrentAgreements { get; init; }
    public OfferType OfferType { get; set; }
    public SubscriptionStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>The organization billed through this subscription, once the buyer has linked it.</summary>
    public Guid? OrganizationId { get; set; }
    public DateTimeOffset? LinkedAt { get; set; }
    /// <summary>
    /// When AWS said the agreement ended (Purchase Agreement Ended, unsubscribe-pending, or a cancellation without
    /// either): usage up to this instant is still billed, in AWS's final one-hour reporting window.
    /// </summary>
    public DateTimeOffset? EndedAt { get; set; }
    public string? LinkedByUserId { get; set; }
}
