namespace Portal.Organizations.Members;

/// <summary>
/// An e-mailed invitation to join an organization. Only the token's hash is stored; resending replaces it, so only the
/// newest e-mail works. Accepting sets <see cref="AcceptedAt"/> with a conditional update: the link works once.
/// </summary>
public sealed class OrganizationInvitation
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public Guid OrganizationId { get; init; }
    /// <summary>The address as the admin typed it (trimmed), for the e-mail and the list.</summary>
    public required string Email { get; init; }
    /// <summary>Upper-cased like Identity's NormalizedEmail: one pending invitation per address and organization.</summary>
    public required string NormalizedEmail { get; init; }
    public OrganizationRole Role { get; set; }
    public required string TokenHash { get; set; }
    public required string InvitedByUserId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset SentAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? AcceptedAt { get; set; }
    public string? AcceptedByUserId { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>
/// A member's "please link this subscription" request to the organization's admins: one row per member and
/// subscription, whose <see cref="LastSentAt"/> a conditional update moves, so two clicks at once send one e-mail.
/// </summary>
public sealed class LinkRequest
{
    public Guid OrganizationId { get; init; }
    public Guid SubscriptionId { get; init; }
    public required string UserId { get; init; }
    public DateTimeOffset LastSentAt { get; set; }
}
