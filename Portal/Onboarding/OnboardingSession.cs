using Portal.Marketplace.Subscriptions;

namespace Portal.Onboarding;


/// <summary>One buyer's walk through the wizard for one subscription; survives refreshes and restarts.</summary>
public sealed class OnboardingSession
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public Guid SubscriptionId { get; init; }
    public MarketplaceSubscription? Subscription { get; init; }
    /// <summary>SHA-256 of the registration token that opened it: the same token posted again resumes this session.</summary>
    public required string TokenHash { get; init; }
    public string? UserId { get; set; }
    public OnboardingStep Step { get; set; }
    /// <summary>Answers collected so far, as JSON, so later steps can add fields without a migration each.</summary>
    public string Data { get; set; } = "{}";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Optimistic concurrency: every save writes a new value and checks the old one.</summary>
    public Guid Version { get; set; } = Guid.NewGuid();
}
