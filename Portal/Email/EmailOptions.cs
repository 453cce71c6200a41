using Microsoft.Extensions.Options;
using System.ComponentModel.DataAnnotations;

namespace Portal.Email;

public enum EmailMode { Mailbox, Smtp }

public sealed class EmailOptions
{
    public const string SectionName = "Email";

    public EmailMode Mode { get; set; } = EmailMode.Smtp;
    [EmailAddress] public string? From { get; set; }
    [ValidateObjectMembers] public SmtpSettings Smtp { get; set; } = new();
    /// <summary>First retry delay after a failed delivery; doubles each time, capped at an hour.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")] public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Attempts before a message the server refuses is marked Failed; while the server is unreachable a message is kept and retried.</summary>
    [Range(1, 100)] public int MaxAttempts { get; set; } = 10;
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")] public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}

public sealed class SmtpSettings
{
    public string? Host { get; set; }
    [Range(1, 65535)] public int Port { get; set; } = 25;
    public string? Username { get; set; }
    public string? Password { get; set; }
    public bool EnableSsl { get; set; }
    [Range(1000, 300000)] public int TimeoutMilliseconds { get; set; } = 30000;
}
