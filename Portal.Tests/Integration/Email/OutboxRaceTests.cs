using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Email;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Email;

/// <summary>
/// Two portal instances (two hosts, two service providers, two DbContext factories) on one database, each with its
/// own delivery worker, over one real SMTP server: every queued message reaches the server exactly once. And a
/// queue head of messages waiting for their retry does not hold back a new one.
/// </summary>
public sealed class OutboxRaceTests
{
    internal static Dictionary<string, string?> Smtp(int port, string poll = "00:00:00.100") => new()
    {
        ["Email:Mode"] = "Smtp", ["Email:From"] = "no-reply@testbrand.example", ["Email:Smtp:Host"] = "127.0.0.1",
        ["Email:Smtp:Port"] = port.ToString(), ["Email:RetryBaseDelay"] = "00:00:00.100", ["Email:PollInterval"] = poll,
    };

    internal static EmailMessage Row(string subject, DateTimeOffset createdAt, string to = "race@example.com") => new()
    {
        To = to, Subject = subject, TextBody = "Body of " + subject, HtmlBody = $"<html><body><p>{subject}</p></body></html>",
        Kind = EmailKinds.VerifyEmail, Culture = "en", CreatedAt = createdAt, Status = EmailStatus.Pending,
    };

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task TwoInstances_RaceOverFiftyMessages_EachDeliveredExactlyOnce(string provider)
    {
        const int count = 50;
        await using var smtp = await MaildevServer.StartAsync();
        await using var pg = provider == "Postgres" ? await PostgresDatabase.CreateAsync() : null;
        var a = new PortalAppFactory(Smtp(smtp.SmtpPort), pg?.ConnectionString);
        PortalAppFactory? b = null;
        try
        {
            _ = a.BaseAddress; // migrated by A before B starts
            b = new PortalAppFactory(new Dictionary<string, string?>(Smtp(smtp.SmtpPort))
            {
                ["Database:Provider"] = provider,
                ["ConnectionStrings:Portal"] = pg?.ConnectionString ?? $"Data Source={a.SqlitePath}",
            }, pg?.ConnectionString);
            _ = b.BaseAddress;

            var start = DateTimeOffset.UtcNow;
            await using (var db = a.CreateDbContext())
            {
                db.EmailMessages.AddRange(Enumerable.Range(1, count).Select(i => Row($"Race {i:D2}", start.AddMilliseconds(i))));
                await db.SaveChangesAsync();
            }
            a.Services.GetRequiredService<IEmailDelivery>().Notify();
            b.Services.GetRequiredService<IEmailDelivery>().Notify();

            List<EmailMessage> rows = [];
            for (var i = 0; i < 300 && !(rows.Count == count && rows.All(r => r.Status == EmailStatus.Sent)); i++)
            {
                await Task.Delay(100);
                await using var db = b.CreateDbContext();
                rows = await db.EmailMessages.AsNoTracking().ToListAsync();
            }
            Assert.True(rows.All(r => r.Status == EmailStatus.Sent),
                $"Not all sent: {string.Join("; ", rows.Where(r => r.Status != EmailStatus.Sent).Select(r => $"{r.Subject} {r.Status} {r.Attempts} {r.LastError}"))}");
        }
        finally
        {
            // Stopping both hosts waits for their workers: nothing is still on its way to the server when it is counted.
            if (b is not null) await b.DisposeAsync();
            await a.DisposeAsync();
        }

        var subjects = (await smtp.MessagesAsync()).Select(m => m.GetProperty("subject").GetString()!).ToList();
        var twice = subjects.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}").ToList();
        Assert.True(twice.Count == 0, $"{subjects.Count} messages at the server for {count} rows; more than once: {string.Join(", ", twice)}");
        Assert.Equal(Enumerable.Range(1, count).Select(i => $"Race {i:D2}"), subjects.Order());
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task TwentyInBackoff_NewMessage_SentInTheFirstPass(string provider)
    {
        await using var smtp = await MaildevServer.StartAsync();
        await using var pg = provider == "Postgres" ? await PostgresDatabase.CreateAsync() : null;
        // A long poll: the worker's own passes run at start-up only, so the pass below is the first that sees the rows.
        await using var app = new PortalAppFactory(Smtp(smtp.SmtpPort, poll: "00:10:00"), pg?.ConnectionString);
        _ = app.BaseAddress;

        var now = DateTimeOffset.UtcNow;
        await using (var db = app.CreateDbContext())
        {
            db.EmailMessages.AddRange(Enumerable.Range(1, 20).Select(i =>
            {
                var waiting = Row($"Waiting {i:D2}", now.AddHours(-1).AddSeconds(i));
                waiting.Attempts = 3;
                waiting.NextAttemptAt = now.AddHours(1);
                waiting.LastError = "SmtpCommandException: 451 try later";
                return waiting;
            }));
            db.EmailMessages.Add(Row("Your verification code", now));
            await db.SaveChangesAsync();
        }

        var handled = await app.Services.GetRequiredService<EmailDeliveryWorker>().DeliverBatchAsync(CancellationToken.None);

        Assert.Equal(1, handled);
        var arrived = Assert.Single(await smtp.WaitForMessagesAsync());
        Assert.Equal("Your verification code", arrived.GetProperty("subject").GetString());
        await using var check = app.CreateDbContext();
        var rows = await check.EmailMessages.AsNoTracking().ToListAsync();
        Assert.Equal(EmailStatus.Sent, rows.Single(r => r.Subject == "Your verification code").Status);
        Assert.All(rows.Where(r => r.Subject.StartsWith("Waiting")), r => Assert.Equal((EmailStatus.Pending, 3), (r.Status, r.Attempts)));
    }

    [Fact]
    public async Task UnparsableAddress_FailsAtOnce_TheNextMessageStillGoesOut()
    {
        await using var smtp = await MaildevServer.StartAsync();
        await using var app = new PortalAppFactory(Smtp(smtp.SmtpPort, poll: "00:10:00"));
        _ = app.BaseAddress;
        var now = DateTimeOffset.UtcNow;
        await using (var db = app.CreateDbContext())
        {
            db.EmailMessages.AddRange(Row("Broken", now, to: "no address here"), Row("Fine", now.AddSeconds(1)));
            await db.SaveChangesAsync();
        }

        Assert.Equal(2, await app.Services.GetRequiredService<EmailDeliveryWorker>().DeliverBatchAsync(CancellationToken.None));

        Assert.Equal("Fine", Assert.Single(await smtp.WaitForMessagesAsync()).GetProperty("subject").GetString());
        await using var check = app.CreateDbContext();
        var broken = await check.EmailMessages.AsNoTracking().SingleAsync(r => r.Subject == "Broken");
        Assert.Equal((EmailStatus.Failed, 1), (broken.Status, broken.Attempts)); // retrying cannot make it an address
        Assert.Contains("ParseException", broken.LastError);
    }
}
