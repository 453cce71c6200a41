using Microsoft.Extensions.Time.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Email;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Email;

/// <summary>
/// The outbox's claims on a real database: a claimed row is nobody else's until its lease lapses, and a pass whose
/// lease lapsed (another took the row) cannot record an outcome over the new holder's.
/// </summary>
public sealed class OutboxClaimTests
{
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task LostLease_CannotMarkTheMessage_TheNewHolderCan(string provider)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var pg = provider == "Postgres" ? await PostgresDatabase.CreateAsync() : null;
        await using var app = new PortalAppFactory(new Dictionary<string, string?> { ["Email:PollInterval"] = "00:10:00", ["Email:ClaimLease"] = "00:01:05" },
            pg?.ConnectionString, s => s.AddSingleton<TimeProvider>(clock).RemoveHostedService<EmailDeliveryWorker>());
        _ = app.BaseAddress;
        var row = OutboxRaceTests.Row("Lease", clock.GetUtcNow());
        await using (var db = app.CreateDbContext())
        {
            db.EmailMessages.Add(row);
            await db.SaveChangesAsync();
        }
        var outbox = app.Services.GetRequiredService<EmailOutbox>();
        var ct = CancellationToken.None;

        var first = await outbox.ClaimAsync(ct);
        Assert.Equal(row.Id, Assert.Single(first.Messages).Id);
        Assert.Empty((await outbox.ClaimAsync(ct)).Messages); // held while the lease runs
        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(6));
        var second = await outbox.ClaimAsync(ct); // the first holder stalled past its lease
        Assert.Equal(row.Id, Assert.Single(second.Messages).Id);
        Assert.NotEqual(first.Token, second.Token);

        Assert.False(await outbox.MarkSentAsync(first, row.Id, ct));
        Assert.False(await outbox.MarkFailedAsync(first, first.Messages[0], "late", TimeSpan.FromHours(1), giveUp: true, ct));
        Assert.Equal(0, await outbox.ReleaseAsync(first, ct));
        Assert.Equal(0, await outbox.MarkAllSentAsync(first, ct));
        var held = await LoadAsync(app, row.Id);
        Assert.Equal((EmailStatus.Pending, 0, (DateTimeOffset?)null, (string?)null, second.Token), (held.Status, held.Attempts, held.SentAt, held.LastError, held.ClaimToken));

        Assert.True(await outbox.MarkSentAsync(second, row.Id, ct));
        var sent = await LoadAsync(app, row.Id);
        Assert.Equal((EmailStatus.Sent, (Guid?)null, (DateTimeOffset?)null), (sent.Status, sent.ClaimToken, sent.ClaimedUntil));
        Assert.True(sent.SentAt is { } at && (at - clock.GetUtcNow()).Duration() < TimeSpan.FromMilliseconds(1), $"sent at {sent.SentAt}"); // PostgreSQL keeps microseconds
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task FailedAttempt_BacksOffInTheDatabase_ReleasedRowIsDueAtOnce(string provider)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var pg = provider == "Postgres" ? await PostgresDatabase.CreateAsync() : null;
        await using var app = new PortalAppFactory(new Dictionary<string, string?> { ["Email:PollInterval"] = "00:10:00" },
            pg?.ConnectionString, s => s.AddSingleton<TimeProvider>(clock).RemoveHostedService<EmailDeliveryWorker>());
        _ = app.BaseAddress;
        var (retried, released) = (OutboxRaceTests.Row("Retried", clock.GetUtcNow()), OutboxRaceTests.Row("Released", clock.GetUtcNow().AddTicks(1)));
        await using (var db = app.CreateDbContext())
        {
            db.EmailMessages.AddRange(retried, released);
            await db.SaveChangesAsync();
        }
        var outbox = app.Services.GetRequiredService<EmailOutbox>();
        var ct = CancellationToken.None;

        var claim = await outbox.ClaimAsync(ct);
        Assert.Equal(2, claim.Messages.Count);
        Assert.True(await outbox.MarkFailedAsync(claim, claim.Messages.Single(m => m.Id == retried.Id), "SmtpCommandException: 451", TimeSpan.FromMinutes(10), giveUp: false, ct));
        Assert.Equal(1, await outbox.ReleaseAsync(claim, ct));

        var second = await outbox.ClaimAsync(ct);
        Assert.Equal(released.Id, Assert.Single(second.Messages).Id); // the one in backoff is not due
        Assert.True(await outbox.MarkSentAsync(second, released.Id, ct));
        // A moment past the back-off: PostgreSQL rounds the stored NextAttemptAt to whole microseconds, half of the
        // time upwards, so exactly ten minutes on from a clock with 100 ns ticks can still be just before it. (The
        // delivery worker is taken out above: Advance would fire its poll, and it would claim the row first.)
        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromMilliseconds(1));
        var again = Assert.Single((await outbox.ClaimAsync(ct)).Messages);
        Assert.Equal((retried.Id, 1, "SmtpCommandException: 451"), (again.Id, again.Attempts, again.LastError));
    }

    private static async Task<EmailMessage> LoadAsync(PortalAppFactory app, Guid id)
    {
        await using var db = app.CreateDbContext();
        return await db.EmailMessages.AsNoTracking().SingleAsync(m => m.Id == id);
    }
}

/// <summary>Wrong e-mail settings stop start-up with a message that names the key.</summary>
public sealed class EmailStartupTests
{
    [Theory]
    [InlineData("Email:Smtp:Password", "secret", "Email:Smtp:Password")]
    [InlineData("Email:ClaimLease", "00:00:30", "Email:ClaimLease")]
    [InlineData("Email:From", "not an address", "Email:From")]
    [InlineData("Email:BatchSize", "0", "BatchSize")]
    public async Task Start_InvalidEmailSetting_FailsNamingTheKey(string key, string value, string named)
    {
        await using var app = new PortalAppFactory(new Dictionary<string, string?> { [key] = value });

        var ex = Assert.ThrowsAny<Exception>(() => app.BaseAddress);

        var validation = ex as OptionsValidationException ?? ex.InnerException as OptionsValidationException;
        Assert.NotNull(validation);
        Assert.Contains(named, validation.Message);
    }

    [Fact]
    public async Task Start_UnknownSmtpSecurity_FailsNamingTheKey()
    {
        await using var app = new PortalAppFactory(new Dictionary<string, string?> { ["Email:Smtp:Security"] = "Sometimes" });

        var ex = Assert.ThrowsAny<Exception>(() => app.BaseAddress);

        Assert.Contains("Email:Smtp:Security", ex.ToString());
    }
}

/// <summary>The due query is answered from its filtered index (pending rows only), on both databases.</summary>
public sealed class OutboxIndexTests
{
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task DueQuery_UsesTheDueIndex(string provider)
    {
        await using var pg = provider == "Postgres" ? await PostgresDatabase.CreateAsync() : null;
        await using var app = new PortalAppFactory(postgresConnection: pg?.ConnectionString);
        _ = app.BaseAddress;
        await using var db = app.CreateDbContext();
        var due = db.EmailMessages.Where(EmailOutbox.Due(DateTimeOffset.UtcNow)).OrderBy(m => m.CreatedAt).Take(20).Select(m => m.Id);
        await using var command = due.CreateDbCommand();
        await db.Database.OpenConnectionAsync();
        // The database the portal really has: in test.sh's PostgreSQL pass the "Sqlite" case gets one of its own too.
        if (db.Database.IsNpgsql())
        {
            // An empty table is cheapest to scan: forbid that, so the plan shows whether the index can serve at all.
            await db.Database.ExecuteSqlRawAsync("SET enable_seqscan = off");
            command.CommandText = "EXPLAIN " + command.CommandText;
        }
        else command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;

        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) plan.Add(reader.GetValue(reader.FieldCount - 1).ToString()!);

        Assert.True(plan.Any(l => l.Contains("IX_EmailMessages_Due")), "Plan: " + string.Join(" | ", plan));
    }
}
