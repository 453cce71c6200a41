using System.Net;
using System.Net.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Portal.Email;

/// <summary>
/// Delivers the outbox. A row is marked Sent only after the SMTP server accepted it; failures back off
/// exponentially and are retried, so mail is delayed by an outage but never lost. In Mailbox mode mail is only kept.
/// </summary>
public sealed class EmailDeliveryWorker(
    IDbContextFactory<PortalDbContext> factory, IOptions<EmailOptions> options, TimeProvider time, ILogger<EmailDeliveryWorker> logger)
    : BackgroundService, IEmailDelivery
{
    private readonly SemaphoreSlim wake = new(0, 1);

    public void Notify()
    {
        if (wake.CurrentCount == 0) try { wake.Release(); } catch (SemaphoreFullException) { }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DeliverBatchAsync(stoppingToken) > 0) { }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "E-mail delivery pass failed; retrying at the next poll");
            }
            try { await wake.WaitAsync(options.Value.PollInterval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Delivers what is due; returns how many rows it handled.</summary>
    public async Task<int> DeliverBatchAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        await using var db = factory.CreateDbContext();
        var due = await db.EmailMessages.Where(m => m.Status == EmailStatus.Pending)
            .OrderBy(m => m.CreatedAt).Take(20).ToListAsync(ct);
        // NextAttemptAt is compared here rather than in SQL: SQLite stores offsets as ticks, PostgreSQL natively.
        due = due.Where(m => m.NextAttemptAt is null || m.NextAttemptAt <= now).ToList();
        foreach (var message in due)
        {
            if (o.Mode == EmailMode.Mailbox)
            {
                message.Status = EmailStatus.Sent;
                message.SentAt = now;
                continue;
            }
            try
            {
                await SendAsync(message, o, ct);
                message.Status = EmailStatus.Sent;
                message.SentAt = time.GetUtcNow();
                message.LastError = null;
                logger.LogInformation("E-mail {Kind} {Id} delivered", message.Kind, message.Id);
                Portal.Operations.PortalMetrics.Email("delivered");
            }
            catch (Exception ex) when (ex is SmtpException or IOException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                message.Attempts++;
                message.LastError = ex.GetType().Name + ": " + ex.Message;
                var delay = TimeSpan.FromTicks(Math.Min(TimeSpan.FromHours(1).Ticks, o.RetryBaseDelay.Ticks * (1L << Math.Min(message.Attempts - 1, 20))));
                message.NextAttemptAt = time.GetUtcNow().Add(delay);
                // Email:MaxAttempts gives up on a message the server keeps refusing; a server that cannot be reached
                // says nothing about the message, so an outage of any length only delays it (at most an hour apart).
                if (message.Attempts >= o.MaxAttempts && !IsServerOutage(ex)) message.Status = EmailStatus.Failed;
                logger.LogWarning("E-mail {Kind} {Id} not delivered (attempt {Attempt}): {Error}", message.Kind, message.Id, message.Attempts, ex.GetType().Name);
                Portal.Operations.PortalMetrics.Email("failed");
            }
        }
        await db.SaveChangesAsync(ct);
        return due.Count;
    }

    /// <summary>The SMTP server is down, unreachable or temporarily refusing service (421), as opposed to refusing this message.</summary>
    internal static bool IsServerOutage(Exception ex) => ex switch
    {
        SmtpFailedRecipientException => false,
        SmtpException { StatusCode: SmtpStatusCode.ServiceNotAvailable } => true,
        SmtpException s => s.InnerException is IOException or System.Net.Sockets.SocketException,
        IOException or System.Net.Sockets.SocketException => true,
        _ => false,
    };

    private static async Task SendAsync(EmailMessage message, EmailOptions o, CancellationToken ct)
    {
        using var client = new SmtpClient(o.Smtp.Host, o.Smtp.Port)
        {
            EnableSsl = o.Smtp.EnableSsl, Timeout = o.Smtp.TimeoutMilliseconds, DeliveryMethod = SmtpDeliveryMethod.Network,
            Credentials = o.Smtp.Username is { Length: > 0 } u ? new NetworkCredential(u, o.Smtp.Password) : null,
        };
        using var mail = new MailMessage(o.From!, message.To) { Subject = message.Subject, Body = message.TextBody, BodyEncoding = System.Text.Encoding.UTF8, SubjectEncoding = System.Text.Encoding.UTF8 };
        if (message.HtmlBody is { } html)
            mail.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(html, System.Text.Encoding.UTF8, "text/html"));
        await client.SendMailAsync(mail, ct);
    }
}
