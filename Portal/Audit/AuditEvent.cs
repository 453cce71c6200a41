namespace Portal.Audit;

/// <summary>One thing that happened to a subscription or an onboarding session, kept for the operator.</summary>
public sealed class AuditEvent
{
    public long Id { get; private set; }
    public required string Type { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
    public Guid? SubscriptionId { get; init; }
    public Guid? OnboardingSessionId { get; init; }
    /// <summary>"aws", "system", "buyer" or a user id.</summary>
    public required string Actor { get; init; }
    public string? Details { get; init; }
}

public static class AuditEventTypes
{
    public const string SubscriptionRegistered = "subscription.registered";
    public const string LandingRepeated = "landing.repeated";
    public const string ResolveDisabledApi = "landing.resolve.disabled-api";
    public const string PasswordResetRequested = "account.password-reset.requested";
    public const string PasswordReset = "account.password-reset";
    public const string SignedOutEverywhere = "account.signed-out-everywhere";
}
