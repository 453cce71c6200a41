namespace Portal.Accounts;

/// <summary>A pending e-mail verification: a 6-digit code and a link token, both stored only as hashes.</summary>
public sealed class EmailVerification
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public required string UserId { get; init; }
    public required string CodeHash { get; set; }
    public required string LinkTokenHash { get; set; }
    public DateTimeOffset SentAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public int FailedAttempts { get; set; }
    public DateTimeOffset? ConsumedAt { get; set; }
}

/// <summary>
/// The hand-off from an interactive component (which cannot write cookies) to a full-page request that signs the
/// user in: single use, short-lived and bound to the onboarding session that asked for it.
/// </summary>
public sealed class SignInTicket
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public required string TokenHash { get; init; }
    public required string UserId { get; init; }
    public Guid? OnboardingSessionId { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? RedeemedAt { get; set; }
}
