using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;
using Portal.Email;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Hardening;

/// <summary>
/// SMTP down while buyers register: registration succeeds, every e-mail is kept with its attempts and next attempt
/// (none lost, none marked sent, none given up on even past Email:MaxAttempts), and when a real SMTP server comes
/// back each arrives exactly once. (One message through an outage: SmtpDeliveryTests.)
/// </summary>
public sealed class SmtpFaultTests
{
    private static readonly string[] Buyers = ["ana@example.com", "bo@example.com", "chen@example.com"];

    [Fact]
    public async Task SmtpDown_RegistrationsSucceed_MailKeptAndRetried_AllArriveOnceWhenServerReturns()
    {
        var port = MaildevServer.FreePort(); // nothing listens here until the server "comes back"
        await using var app = new PortalAppFactory(new Dictionary<string, string?>
        {
            ["Email:Mode"] = "Smtp", ["Email:From"] = "no-reply@testbrand.example", ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = port.ToString(), ["Email:RetryBaseDelay"] = "00:00:00.100", ["Email:PollInterval"] = "00:00:00.100",
            ["Email:MaxAttempts"] = "2", // an outage outlasts it: the messages must still not be given up
        });
        _ = app.BaseAddress;

        foreach (var email in Buyers)
        {
            using var scope = app.Services.CreateScope();
            var result = await scope.ServiceProvider.GetRequiredService<AccountService>().RegisterAsync(email, "Buyer", "Str0ng!Passw0rd");
            Assert.Empty(result.Errors);
            Assert.NotNull(result.User);
        }

        var kept = await WaitForRowsAsync(app, rows => rows.All(m => m.Attempts >= 3)); // past MaxAttempts
        Assert.Equal(Buyers.Order(), kept.Select(m => m.To).Order());
        Assert.All(kept, m =>
        {
            Assert.Equal(EmailStatus.Pending, m.Status);
            Assert.Null(m.SentAt);
            Assert.NotNull(m.NextAttemptAt);
            Assert.Contains("SocketException", m.LastError); // connection refused: an outage, never given up
        });

        await using var smtp = await MaildevServer.StartAsync(port);
        var arrived = await smtp.WaitForMessagesAsync(Buyers.Length);
        var sent = await WaitForRowsAsync(app, rows => rows.All(m => m.Status == EmailStatus.Sent));

        Assert.All(sent, m => Assert.NotNull(m.SentAt));
        Assert.Equal(Buyers.Order(), arrived.Select(m => m.GetProperty("to")[0].GetProperty("address").GetString()).Order());
        Assert.Equal(Buyers.Length, (await smtp.MessagesAsync()).Count); // once each, rows now say Sent: no second copy
        Assert.All(arrived, m => Assert.Matches(@"\b\d{6}\b", m.GetProperty("text").GetString()!));
    }

    /// <summary>Polls the outbox (bounded) until <paramref name="done"/> holds for its rows; returns them.</summary>
    private static async Task<List<EmailMessage>> WaitForRowsAsync(PortalAppFactory app, Func<List<EmailMessage>, bool> done)
    {
        List<EmailMessage> rows = [];
        for (var i = 0; i < 300; i++)
        {
            await using var db = app.CreateDbContext();
            rows = await db.EmailMessages.AsNoTracking().ToListAsync();
            if (rows.Count == Buyers.Length && done(rows)) return rows;
            await Task.Delay(100);
        }
        Assert.Fail($"The outbox never reached the expected state: {string.Join("; ", rows.Select(r => $"{r.To} {r.Status} {r.Attempts} {r.LastError}"))}");
        return rows;
    }
}
