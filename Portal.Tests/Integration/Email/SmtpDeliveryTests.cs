using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;
using Portal.Email;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Email;

/// <summary>E-mail through a real SMTP server (maildev), and what happens while that server is down.</summary>
public sealed class SmtpDeliveryTests
{
    private static PortalAppFactory App(int smtpPort, string? security = null) => new(new Dictionary<string, string?>
    {
        ["Portal:PublicBaseUrl"] = "https://portal.example/", ["Email:Mode"] = "Smtp", ["Email:From"] = "Testbrand Cloud <no-reply@testbrand.example>", ["Email:Smtp:Host"] = "127.0.0.1",
        ["Email:Smtp:Port"] = smtpPort.ToString(), ["Email:RetryBaseDelay"] = "00:00:00.200", ["Email:PollInterval"] = "00:00:00.200",
        ["Email:Smtp:Security"] = security,
    });

    private static async Task RegisterAsync(PortalAppFactory app, string email)
    {
        using var scope = app.Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<AccountService>().RegisterAsync(email, "Ada", "Str0ng!Passw0rd");
        Assert.Empty(result.Errors);
    }

    [Fact]
    public async Task VerificationEmail_Smtp_ArrivesWithCodeAndLink()
    {
        await using var smtp = await MaildevServer.StartAsync();
        await using var app = App(smtp.SmtpPort);
        _ = app.BaseAddress;

        await RegisterAsync(app, "ada@example.com");
        var message = Assert.Single(await smtp.WaitForMessagesAsync());

        Assert.Equal("ada@example.com", message.GetProperty("to")[0].GetProperty("address").GetString());
        Assert.Contains("Testbrand Cloud verification code", message.GetProperty("subject").GetString());
        var text = message.GetProperty("text").GetString()!;
        Assert.Matches(@"\b\d{6}\b", text);
        Assert.Contains("https://portal.example/account/verify?token=", text);
        var html = message.GetProperty("html").GetString()!;
        Assert.Contains("<html", html);
        Assert.Equal("Testbrand Cloud", message.GetProperty("from")[0].GetProperty("name").GetString());
        Assert.Equal("no-reply@testbrand.example", message.GetProperty("from")[0].GetProperty("address").GetString());
        // The logo travels as an inline part the HTML names by cid: (clients that block data: URLs show it).
        var logo = Assert.Single(message.GetProperty("attachments").EnumerateArray());
        Assert.Equal("image/svg+xml", logo.GetProperty("contentType").GetString());
        Assert.Contains($"cid:{logo.GetProperty("contentId").GetString()!.Trim('<', '>')}", html);
        Assert.DoesNotContain("data:image", html);
        // The server has the message before the worker records it: wait (bounded) for the row to say so.
        await using var db = app.CreateDbContext();
        for (var i = 0; i < 100 && (await db.EmailMessages.AsNoTracking().SingleAsync()).Status != EmailStatus.Sent; i++) await Task.Delay(50);
        var row = await db.EmailMessages.AsNoTracking().SingleAsync();
        Assert.Equal(EmailStatus.Sent, row.Status);
        Assert.Contains("data:image/svg+xml", row.HtmlBody); // the outbox row stays self-contained for /dev/mailbox
        Assert.Equal($"<{row.Id:N}@testbrand.example>", message.GetProperty("headers").GetProperty("message-id").GetString());
        // As received: text and (HTML + the logo's bytes, named by that Content-Id) as alternatives.
        using var received = MimeKit.MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(await smtp.SourceAsync(message))));
        var alternative = Assert.IsType<MimeKit.MultipartAlternative>(received.Body);
        Assert.Equal(["text/plain", "multipart/related"], alternative.Select(p => p.ContentType.MimeType));
        var related = Assert.IsType<MimeKit.MultipartRelated>(alternative[1]);
        var image = Assert.IsType<MimeKit.MimePart>(related.Single(p => p.ContentId == logo.GetProperty("contentId").GetString()!.Trim('<', '>')));
        using var bytes = new MemoryStream();
        image.Content!.DecodeTo(bytes);
        Assert.Equal(File.ReadAllBytes(RepoPaths.Combine("wwwroot-assets", "logo.svg")), bytes.ToArray());
    }

    [Fact]
    public async Task StartTlsRequired_ServerWithoutIt_NothingSentInClearText_KeptWithTheReason()
    {
        await using var smtp = await MaildevServer.StartAsync(); // maildev offers no STARTTLS
        await using var app = App(smtp.SmtpPort, security: "StartTls");
        _ = app.BaseAddress;

        await RegisterAsync(app, "tls@example.com");
        EmailMessage? row = null;
        for (var i = 0; i < 200 && row?.Attempts is null or 0; i++)
        {
            await Task.Delay(100);
            await using var db = app.CreateDbContext();
            row = await db.EmailMessages.AsNoTracking().SingleAsync();
        }

        Assert.Equal(EmailStatus.Pending, row!.Status);
        Assert.True(row.Attempts >= 1, "no attempt was recorded");
        Assert.Contains("STARTTLS", row.LastError);
        Assert.Empty(await smtp.MessagesAsync());
    }

    [Fact]
    public async Task VerificationEmail_SmtpDown_KeptAndRetriedUntilServerComesBack()
    {
        var port = MaildevServer.FreePort();
        await using var app = App(port);
        _ = app.BaseAddress;

        await RegisterAsync(app, "later@example.com");
        EmailMessage? row = null;
        for (var i = 0; i < 100 && row?.Attempts is null or 0; i++)
        {
            await Task.Delay(100);
            await using var db = app.CreateDbContext();
            row = await db.EmailMessages.AsNoTracking().SingleAsync();
        }
        Assert.Equal(EmailStatus.Pending, row!.Status);
        Assert.True(row.Attempts >= 1);
        Assert.False(string.IsNullOrEmpty(row.LastError));

        await using var smtp = await MaildevServer.StartAsync(port);
        var message = Assert.Single(await smtp.WaitForMessagesAsync());

        Assert.Equal("later@example.com", message.GetProperty("to")[0].GetProperty("address").GetString());
        Assert.Matches(new Regex(@"\b\d{6}\b"), message.GetProperty("text").GetString()!);
    }
}

/// <summary>Mailbox mode (the Development default): mail is kept and readable at /dev/mailbox.</summary>
public sealed class MailboxTests
{
    [Fact]
    public async Task Mailbox_AfterRegistering_ShowsTheVerificationEmail()
    {
        await using var app = new PortalAppFactory();
        _ = app.BaseAddress;
        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<AccountService>().RegisterAsync("box@example.com", "Box", "Str0ng!Passw0rd");
        using var browser = app.CreateBrowser();

        var html = await browser.GetStringAsync("/dev/mailbox");

        Assert.Contains("Testbrand Cloud verification code", html);
        Assert.Contains("box@example.com", html);
    }

    [Fact]
    public async Task Mailbox_ShowsTheHtmlPartInAScriptlessSandboxAndTheTextPart()
    {
        await using var app = new PortalAppFactory(new Dictionary<string, string?> { ["Portal:PublicBaseUrl"] = "https://portal.example/" });
        _ = app.BaseAddress;
        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<AccountService>().RegisterAsync("box@example.com", "Box", "Str0ng!Passw0rd");
        using var browser = app.CreateBrowser();

        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await browser.GetStringAsync("/dev/mailbox"));

        var frame = Assert.Single(page.QuerySelectorAll("details.portal-mail iframe"));
        var sandbox = frame.GetAttribute("sandbox");
        Assert.NotNull(sandbox); // present: everything not listed is forbidden
        Assert.DoesNotContain("allow-scripts", sandbox);
        Assert.DoesNotContain("allow-same-origin", sandbox);
        var srcdoc = frame.GetAttribute("srcdoc")!;
        Assert.Contains("Verify my e-mail address", srcdoc);
        Assert.Contains("<base target=\"_blank\">", srcdoc); // links leave the frame (the portal refuses to be framed)
        Assert.Contains("Box", srcdoc);
        Assert.Contains("https://portal.example/account/verify?token=", page.QuerySelector("details.portal-mail pre")!.TextContent);
    }

    [Fact]
    public async Task Mailbox_DevToolsOff_NotFound()
    {
        await using var app = new PortalAppFactory(new Dictionary<string, string?> { ["DevTools:Enabled"] = "false", ["Marketplace:Mode"] = "Aws" });
        using var browser = app.CreateBrowser();

        var response = await browser.GetAsync("/dev/mailbox");

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
