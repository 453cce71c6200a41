using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Email;
using Portal.Organizations;
using Portal.Organizations.Members;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Organizations;

/// <summary>The invitation and "please link" e-mails in every language: filled, framed, and saying what to do if unexpected.</summary>
public sealed class MemberEmailTests : IAsyncLifetime
{
    private readonly PortalAppFactory app = new();

    private static readonly Dictionary<string, (string Greeting, string Ignore)> Words = new()
    {
        ["en"] = ("Hello", "ignore this e-mail"),
        ["zh-CN"] = ("您好：", "请忽略此邮件"),
        ["ja"] = ("", "このメールを破棄"),
    };

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await app.DisposeAsync();

    [Theory]
    [InlineData(MemberEmails.Invitation, "en")]
    [InlineData(MemberEmails.Invitation, "zh-CN")]
    [InlineData(MemberEmails.Invitation, "ja")]
    [InlineData(MemberEmails.LinkRequest, "en")]
    [InlineData(MemberEmails.LinkRequest, "zh-CN")]
    [InlineData(MemberEmails.LinkRequest, "ja")]
    public void EveryPart_IsFilledFramedAndCarriesTheLink(string kind, string culture)
    {
        var mail = app.Services.GetRequiredService<IEmailComposer>().Compose(kind, "ada@example.com", CultureInfo.GetCultureInfo(culture), new Dictionary<string, string>
        {
            ["organization"] = "Northwind", ["inviter"] = "Ann Admin", ["role"] = "ROLE-WORD", ["link"] = "https://portal.example/x?token=abc",
            ["days"] = "7", ["name"] = "Ann Admin", ["member"] = "Mia <mia@northwind.example>", ["product"] = "Test Analytics", ["account"] = "•••• 9012",
        });
        var (greeting, ignore) = Words[culture];

        Assert.Equal(culture, mail.Culture);
        Assert.Contains(greeting, mail.TextBody);
        Assert.Contains(ignore, mail.TextBody);
        Assert.Contains(ignore, mail.HtmlBody);
        Assert.Contains("Northwind", mail.Subject);
        Assert.Contains("https://portal.example/x?token=abc", mail.TextBody);
        Assert.Contains("href=\"https://portal.example/x?token=abc\"", mail.HtmlBody);
        Assert.Contains("Testbrand Cloud", mail.TextBody);
        Assert.Contains($"lang=\"{culture}\"", mail.HtmlBody);
        Assert.DoesNotContain("{{", mail.Subject + mail.TextBody + mail.HtmlBody);
        if (kind == MemberEmails.LinkRequest) Assert.Contains("Mia &lt;mia@northwind.example&gt;", mail.HtmlBody); // encoded, never markup
        else Assert.Contains("ROLE-WORD", mail.TextBody);
    }

    [Theory]
    [InlineData("en", "as Admin")]
    [InlineData("zh-CN", "以管理员身份")]
    [InlineData("ja", "に管理者として")]
    public async Task Invitation_NamesTheRoleInTheInvitersLanguage(string culture, string phrase)
    {
        await using var w = await MembersWorld.CreateAsync();
        var admin = await w.UserAsync("admin@example.com");
        var org = await w.OrganizationAsync("Northwind", (admin, OrganizationRole.Admin));
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        try
        {
            Assert.Equal(InviteOutcome.Sent, await w.InviteAsync(org, admin, "new@example.com", OrganizationRole.Admin));
        }
        finally { CultureInfo.CurrentUICulture = previous; }

        await using var db = w.App.CreateDbContext();
        var mail = await db.EmailMessages.SingleAsync(m => m.Kind == MemberEmails.Invitation);
        Assert.Equal(("new@example.com", culture), (mail.To, mail.Culture));
        Assert.Contains(phrase, mail.TextBody);
        Assert.Contains("Test admin@example.com", mail.Subject); // the inviter's name
        Assert.Contains($"{MembersWorld.BaseUrl}invitations/accept?token=", mail.TextBody);
    }
}
