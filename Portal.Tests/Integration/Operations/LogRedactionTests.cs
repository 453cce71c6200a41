using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;
using Portal.Marketplace.Simulator;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Operations;

/// <summary>
/// Every log line the portal writes (all levels, Trace included) over a landing, a registration, an e-mail
/// verification, a sign-in and the e-mail delivery: none carries a token, a password, a code or an e-mail body.
/// </summary>
public sealed class LogRedactionTests
{
    [Fact]
    public async Task Logs_never_carry_tokens_passwords_codes_or_email_bodies()
    {
        await using var app = new PortalAppFactory();
        const string password = "Redact-Me-9!pass";
        const string email = "secret.buyer@example.com";

        var token = app.Services.GetRequiredService<SimulatorTokens>().Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, "620000000001");
        using (var browser = app.CreateBrowser())
        {
            await browser.PostAsync("/marketplace/landing", new FormUrlEncodedContent([new("x-amzn-marketplace-token", token)]));
            await browser.GetAsync("/marketplace/landing?x-amzn-marketplace-token=" + Uri.EscapeDataString(token)); // the GET form
        }
        using (var scope = app.Services.CreateScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
            var registered = await accounts.RegisterAsync(email, "Secret Buyer", password);
            await using var db = app.CreateDbContext();
            var mail = await db.EmailMessages.SingleAsync(m => m.To == email);
            var code = Regex.Match(mail.TextBody, @"\b\d{6}\b").Value;
            await accounts.VerifyCodeAsync(registered.User!.Id, "000000" == code ? "111111" : "000000"); // a wrong one first
            await accounts.VerifyCodeAsync(registered.User!.Id, code);
            await accounts.CheckPasswordAsync(email, password);
            await accounts.CheckPasswordAsync(email, password + "x");

            // Wait for the mailbox worker to "deliver" it, so its log lines are in.
            for (var i = 0; i < 100 && (await db.EmailMessages.AsNoTracking().SingleAsync(m => m.Id == mail.Id)).SentAt is null; i++) await Task.Delay(50);

            var logs = app.Logs.All;
            Assert.NotEmpty(app.Logs.Lines);
            Assert.DoesNotContain(token, logs);
            Assert.DoesNotContain(Uri.EscapeDataString(token), logs);
            Assert.DoesNotContain(password, logs);
            Assert.DoesNotContain(code, logs);
            foreach (var line in mail.TextBody.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 25))
                Assert.DoesNotContain(line, logs);
        }
    }
}
