namespace Portal.Email;

public enum EmailStatus { Pending, Sent, Failed }

/// <summary>
/// An e-mail in the outbox. It is written in the same transaction as the change that causes it and delivered
/// afterwards, so a down SMTP server delays mail but never loses it. In Mailbox mode it is only kept here.
/// </summary>
public sealed class EmailMessage
{
    public const int MaxErrorLength = 2000;

    public Guid Id { get; init; } = Guid.NewGuid();
    public required string To { get; init; }
    public required string Subject { get; init; }
    public required string TextBody { get; init; }
    public string? HtmlBody { get; init; }
    /// <summary>What kind of message (verification, confirmation…), for the mailbox page and metrics.</summary>
    public required string Kind { get; init; }
    public required string Culture { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public EmailStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public string? LastError { get; set; }
    /// <summary>The delivery pass (of whichever portal instance) that holds this row; only it may record the outcome.</summary>
    public Guid? ClaimToken { get; set; }
    /// <summary>When that claim lapses and another pass may take the row (the holder died or stalled).</summary>
    public DateTimeOffset? ClaimedUntil { get; set; }
}
