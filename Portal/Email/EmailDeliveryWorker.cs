using Microsoft.Extensions.Options;

namespace Portal.Email;

/// <summary>
/// Delivers the outbox. A row is marked Sent only after the SMTP server accepted it; failures back off
/// exponentially and are retried, so mail is delayed by an outage but never lost. In Mailbox mode mail is only kept.
/// Any number of portal instances may run this on one database: each pass claims its own batch (EmailOutbox).
/// </summary>
public sealed class EmailDeliveryWorker(
    EmailOutbox outbox, SmtpEmailSender sender, IOptions<EmailOptions> options, TimeProvider time, ILogger<EmailDeliveryWorker> logger,
    Portal.Operations.PortalMetrics metrics)
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
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "E-mail delivery pass failed; retrying at the next poll");
            }
            // The poll's timer runs on the TimeProvider; Notify ends the wait early.
            using var poll = new CancellationTokenSource(options.Value.PollInterval, time);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, poll.Token);
            try { await wake.WaitAsync(wait.Token); }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested) { }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Claims a batch of due messages and delivers it; returns how many rows it handled.</summary>
    public async Task<int> DeliverBatchAsync(CancellationToken ct)
    {
        var o = options.Value;
        var claim = await outbox.ClaimAsync(ct);
        if (claim.Messages.Count == 0) return 0;
        if (o.Mode == EmailMode.Mailbox) return await outbox.MarkAllSentAsync(claim, ct);
        var handled = 0;
        try
        {
            await using var smtp = sender.Open();
            foreach (var message in claim.Messages)
            {
                // Start a message only if the lease outlasts its whole send: past it, another instance may send it too.
                if (time.GetUtcNow() + o.Smtp.Timeout >= claim.Until) break;
                await DeliverAsync(smtp, claim, message, o, ct);
                handled++;
            }
        }
        finally
        {
            // What was not attempted (shutdown, lease running short) is due again at once, for any instance.
            if (handled < claim.Messages.Count) await outbox.ReleaseAsync(claim, CancellationToken.None);
        }
        return handled;
    }

    private async Task DeliverAsync(SmtpSession smtp, EmailClaim claim, EmailMessage message, EmailOptions o, CancellationToken ct)
    {
        try
        {
            await smtp.SendAsync(message, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var attempts = message.Attempts + 1;
            var delay = TimeSpan.FromTicks(Math.Min(TimeSpan.FromHours(1).Ticks, o.RetryBaseDelay.Ticks * (1L << Math.Min(attempts - 1, 20))));
            // Email:MaxAttempts gives up on a message the server keeps refusing; a server that cannot be reached
            // says nothing about the message, so an outage of any length only delays it (at most an hour apart).
            var giveUp = SmtpEmailSender.IsHopeless(ex) || (attempts >= o.MaxAttempts && !SmtpEmailSender.IsServerOutage(ex));
            if (!await outbox.MarkFailedAsync(claim, message, ex.GetType().Name + ": " + ex.Message, delay, giveUp, ct)) LostLease(message);
            logger.LogWarning("E-mail {Kind} {Id} not delivered (attempt {Attempt}): {Error}", message.Kind, message.Id, attempts, ex.GetType().Name);
            metrics.Email("failed");
            return;
        }
        if (!await outbox.MarkSentAsync(claim, message.Id, CancellationToken.None)) LostLease(message);
        logger.LogInformation("E-mail {Kind} {Id} delivered", message.Kind, message.Id);
        metrics.Email("delivered");
    }

    private void LostLease(EmailMessage message) =>
        logger.LogWarning("E-mail {Kind} {Id}: this pass's claim lapsed before its outcome was recorded; the row's new holder decides", message.Kind, message.Id);
}
