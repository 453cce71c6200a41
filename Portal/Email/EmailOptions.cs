using Microsoft.Extensions.Options;
using System.ComponentModel.DataAnnotations;

namespace Portal.Email;

public enum EmailMode { Mailbox, Smtp }

/// <summary>
/// How the SMTP connection is secured. Auto: TLS from the first byte on port 465, else STARTTLS when the server
/// offers it. StartTls: STARTTLS or no delivery (nothing goes out in clear text). SslOnConnect: implicit TLS (465).
/// None: clear text, for a relay on the same host or network only.
/// </summary>
public enum SmtpSecurity { Auto, StartTls, SslOnConnect, None }

public sealed class EmailOptions
{
    public const string SectionName = "Email";

    public EmailMode Mode { get; set; } = EmailMode.Smtp;
    /// <summary>The sender: an address, or "Name &lt;address&gt;"; its domain also names the Message-Id.</summary>
    public string? From { get; set; }
    [ValidateObjectMembers] public SmtpSettings Smtp { get; set; } = new();
    /// <summary>First retry delay after a failed delivery; doubles each time, capped at an hour.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")] public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Attempts before a message the server refuses is marked Failed; while the server is unreachable a message is kept and retried.</summary>
    [Range(1, 100)] public int MaxAttempts { get; set; } = 10;
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")] public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Messages one instance claims at a time (and sends over one SMTP connection).</summary>
    [Range(1, 500)] public int BatchSize { get; set; } = 20;
    /// <summary>
    /// How long a claim keeps other instances off a batch. A message is only started while the rest of the lease
    /// covers a whole send (Smtp:TimeoutMilliseconds); one left when an instance dies goes out when its lease ends.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")] public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(5);
}

public sealed class SmtpSettings
{
    public string? Host { get; set; }
    [Range(1, 65535)] public int Port { get; set; } = 25;
    /// <summary>Unset: STARTTLS required when the older EnableSsl is true, else Auto.</summary>
    public SmtpSecurity? Security { get; set; }
    /// <summary>Kept so existing settings mean what they meant with System.Net.Mail (EnableSsl was STARTTLS); prefer Security.</summary>
    public bool EnableSsl { get; set; }
    /// <summary>With Password: SMTP AUTH after TLS is up. Neither: no authentication (a relay that trusts the network).</summary>
    public string? Username { get; set; }
    public string? Password { get; set; }
    /// <summary>Bounds each SMTP operation and a message's whole send (connect, authenticate, transfer).</summary>
    [Range(1000, 300000)] public int TimeoutMilliseconds { get; set; } = 30000;

    public TimeSpan Timeout => TimeSpan.FromMilliseconds(TimeoutMilliseconds);
    public SmtpSecurity EffectiveSecurity => Security ?? (EnableSsl ? SmtpSecurity.StartTls : SmtpSecurity.Auto);
}
