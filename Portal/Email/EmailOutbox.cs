using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Portal.Email;

/// <summary>A batch one delivery pass holds until <see cref="Until"/>; only the holder of <see cref="Token"/> may record outcomes.</summary>
public sealed record EmailClaim(Guid Token, DateTimeOffset Until, IReadOnlyList<EmailMessage> Messages);

/// <summary>
/// The outbox table as a queue shared by every portal instance on the database. A pass claims a batch in one
/// conditional UPDATE (a claim token and a lease on rows that are due and unclaimed, or whose lease lapsed), so two
/// instances never hold the same row; every outcome is written only where the row still carries the pass's token,
/// so a pass that lost its lease (stalled past it while another took the row) cannot overwrite the new holder.
/// Due-ness (NextAttemptAt) is decided in the database, so messages waiting for a retry never fill a batch.
/// </summary>
public sealed class EmailOutbox(IDbContextFactory<PortalDbContext> factory, IOptions<EmailOptions> options, TimeProvider time)
{
    /// <summary>Pending, past its retry time, and not held by a live claim: the filtered index IX_EmailMessages_Due serves it.</summary>
    internal static Expression<Func<EmailMessage, bool>> Due(DateTimeOffset now) => m => m.Status == EmailStatus.Pending
        && (m.NextAttemptAt == null || m.NextAttemptAt <= now) && (m.ClaimedUntil == null || m.ClaimedUntil <= now);

    public async Task<EmailClaim> ClaimAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var claim = new EmailClaim(Guid.NewGuid(), now + o.ClaimLease, []);
        await using var db = factory.CreateDbContext();
        var oldest = db.EmailMessages.Where(Due(now)).OrderBy(m => m.CreatedAt).Take(o.BatchSize).Select(m => m.Id);
        // The due test is repeated on the row being updated, not only in the subquery that picks the batch: on
        // PostgreSQL a concurrent claimer blocked on these rows re-checks that condition on the committed row once
        // the first commits (and then skips it); on SQLite the statement runs under the database's write lock.
        var claimed = await db.EmailMessages.Where(Due(now)).Where(m => oldest.Contains(m.Id))
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.ClaimToken, claim.Token).SetProperty(m => m.ClaimedUntil, claim.Until), ct);
        if (claimed == 0) return claim;
        var rows = await db.EmailMessages.AsNoTracking().Where(m => m.ClaimToken == claim.Token).OrderBy(m => m.CreatedAt).ToListAsync(ct);
        return claim with { Messages = rows };
    }

    /// <summary>Records one message as accepted by the server; false when the claim was lost (the row is another pass's now).</summary>
    public async Task<bool> MarkSentAsync(EmailClaim claim, Guid id, CancellationToken ct)
    {
        var at = time.GetUtcNow();
        await using var db = factory.CreateDbContext();
        return await Held(db, claim).Where(m => m.Id == id).ExecuteUpdateAsync(u => u
            .SetProperty(m => m.Status, EmailStatus.Sent).SetProperty(m => m.SentAt, at).SetProperty(m => m.LastError, (string?)null)
            .SetProperty(m => m.ClaimToken, (Guid?)null).SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null), ct) == 1;
    }

    /// <summary>Mailbox mode: the whole batch is kept, not sent, and done with in one statement.</summary>
    public async Task<int> MarkAllSentAsync(EmailClaim claim, CancellationToken ct)
    {
        var at = time.GetUtcNow();
        await using var db = factory.CreateDbContext();
        return await Held(db, claim).ExecuteUpdateAsync(u => u
            .SetProperty(m => m.Status, EmailStatus.Sent).SetProperty(m => m.SentAt, at)
            .SetProperty(m => m.ClaimToken, (Guid?)null).SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null), ct);
    }

    /// <summary>Counts a failed attempt and sets the next one (or gives up); false when the claim was lost.</summary>
    public async Task<bool> MarkFailedAsync(EmailClaim claim, EmailMessage message, string error, TimeSpan retryAfter, bool giveUp, CancellationToken ct)
    {
        var next = time.GetUtcNow() + retryAfter;
        var status = giveUp ? EmailStatus.Failed : EmailStatus.Pending;
        var text = error.Length > EmailMessage.MaxErrorLength ? error[..EmailMessage.MaxErrorLength] : error;
        await using var db = factory.CreateDbContext();
        return await Held(db, claim).Where(m => m.Id == message.Id).ExecuteUpdateAsync(u => u
            .SetProperty(m => m.Attempts, m => m.Attempts + 1).SetProperty(m => m.NextAttemptAt, next)
            .SetProperty(m => m.LastError, text).SetProperty(m => m.Status, status)
            .SetProperty(m => m.ClaimToken, (Guid?)null).SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null), ct) == 1;
    }

    /// <summary>Hands back what the pass did not get to (shutting down, or its lease running short): due again at once.</summary>
    public async Task<int> ReleaseAsync(EmailClaim claim, CancellationToken ct)
    {
        await using var db = factory.CreateDbContext();
        return await Held(db, claim).ExecuteUpdateAsync(u => u
            .SetProperty(m => m.ClaimToken, (Guid?)null).SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null), ct);
    }

    private static IQueryable<EmailMessage> Held(PortalDbContext db, EmailClaim claim) =>
        db.EmailMessages.Where(m => m.ClaimToken == claim.Token && m.Status == EmailStatus.Pending);
}
