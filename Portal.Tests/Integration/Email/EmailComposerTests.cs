using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Portal.Email;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Email;

/// <summary>
/// Every template in every language, text and HTML: a greeting, the "ignore this if you did not ask" line, words
/// instead of raw values (offer, duration), and the brand's logo and colour in the HTML part.
/// </summary>
public sealed class EmailComposerTests : IAsyncLifetime
{
    private const string Colour = "#7a1f5c";
    private readonly PortalAppFactory app = new(new Dictionary<string, string?> { ["Brand:PrimaryColor"] = Colour });

    public static TheoryData<string, string> KindsAndCultures()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in new[] { EmailKinds.VerifyEmail, EmailKinds.SubscriptionLinked, EmailKinds.AccountExists, EmailKinds.PasswordReset, EmailKinds.AccountLocked })
            foreach (var culture in new[] { "en", "zh-CN", "ja" })
                data.Add(kind, culture);
        return data;
    }

    private static readonly Dictionary<string, (string Greeting, string Ignore, string Minutes, string Offer)> Words = new()
    {
        ["en"] = ("Hello Ada Buyer,", "ignore this e-mail", "15 minutes", "Pay as you go"),
        ["zh-CN"] = ("Ada Buyer，您好：", "请忽略此邮件", "15 分钟", "按需付费"),
        ["ja"] = ("Ada Buyer 様", "このメールを破棄", "15 分", "従量課金"),
    };

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await app.DisposeAsync();

    private EmailMessage Compose(string kind, string culture, string minutes = "15") =>
        app.Services.GetRequiredService<IEmailComposer>().Compose(kind, "ada@example.com", CultureInfo.GetCultureInfo(culture), new Dictionary<string, string>
        {
            ["brand"] = "Testbrand Cloud", ["name"] = "Ada Buyer", ["code"] = "123456", ["link"] = "https://portal.example/l",
            ["resetLink"] = "https://portal.example/account/forgot", ["minutes"] = minutes, ["organization"] = "Acme",
            ["product"] = "Test product", ["offer"] = "Payg", ["account"] = "•••• 9012",
            ["billingUrl"] = "https://portal.example/b", ["workspaceUrl"] = "https://portal.example/w",
        });

    [Theory]
    [MemberData(nameof(KindsAndCultures))]
    public void EveryPart_GreetsAndSaysWhatToDoIfYouDidNotAsk(string kind, string culture)
    {
        var mail = Compose(kind, culture);
        var (greeting, ignore, _, _) = Words[culture];

        Assert.Equal(culture, mail.Culture);
        Assert.StartsWith(greeting, mail.TextBody);
        Assert.Contains(ignore, mail.TextBody);
        Assert.Contains(greeting, mail.HtmlBody);
        Assert.Contains(ignore, mail.HtmlBody);
        Assert.Contains($"lang=\"{culture}\"", mail.HtmlBody);
        Assert.DoesNotContain("{{", mail.Subject + mail.TextBody + mail.HtmlBody); // every placeholder filled
    }

    [Theory]
    [MemberData(nameof(KindsAndCultures))]
    public void HtmlPart_ShowsTheBrandsLogoAndColour(string kind, string culture)
    {
        var mail = Compose(kind, culture);

        Assert.Contains("<img src=\"data:image/svg+xml;base64,", mail.HtmlBody);
        Assert.Contains(Colour, mail.HtmlBody);
        Assert.Contains($"background:{Colour}", mail.HtmlBody); // the call to action is in the brand's colour
        Assert.DoesNotContain("#2f5bd3", mail.HtmlBody); // the default colour is not written anywhere
        Assert.Contains("Testbrand Cloud", mail.HtmlBody);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("zh-CN")]
    [InlineData("ja")]
    public void SubscriptionLinked_ShowsTheOfferByItsLocalizedName(string culture)
    {
        var mail = Compose(EmailKinds.SubscriptionLinked, culture);

        Assert.Contains(Words[culture].Offer, mail.TextBody);
        Assert.Contains(Words[culture].Offer, mail.HtmlBody);
        Assert.DoesNotContain("Payg", mail.TextBody + mail.HtmlBody);
    }

    [Theory]
    [InlineData(EmailKinds.VerifyEmail, "en")]
    [InlineData(EmailKinds.VerifyEmail, "zh-CN")]
    [InlineData(EmailKinds.VerifyEmail, "ja")]
    [InlineData(EmailKinds.PasswordReset, "zh-CN")]
    [InlineData(EmailKinds.AccountLocked, "ja")]
    public void Durations_AreWordsOfTheMessagesLanguage(string kind, string culture)
    {
        var mail = Compose(kind, culture);

        Assert.Contains(Words[culture].Minutes, mail.TextBody);
        Assert.Contains(Words[culture].Minutes, mail.HtmlBody);
        Assert.DoesNotContain("min.", mail.HtmlBody);
    }

    [Theory]
    [InlineData("en", "1 hour", "60 minutes")]
    [InlineData("zh-CN", "1 小时", "60 分钟")]
    [InlineData("ja", "1 時間", "60 分")]
    public void Durations_WholeHours_InHours(string culture, string expected, string notExpected)
    {
        var mail = Compose(EmailKinds.PasswordReset, culture, minutes: "60");

        Assert.Contains(expected, mail.TextBody);
        Assert.Contains(expected, mail.HtmlBody);
        Assert.DoesNotContain(notExpected, mail.TextBody);
    }

    [Fact]
    public void Durations_OneMinute_Singular()
    {
        var mail = Compose(EmailKinds.AccountLocked, "en", minutes: "1");

        Assert.Contains("paused for 1 minute.", mail.TextBody);
    }

    [Fact]
    public void A_culture_without_templates_falls_back_to_English_with_English_words()
    {
        var mail = Compose(EmailKinds.SubscriptionLinked, "fr-FR");

        Assert.Equal("en", mail.Culture);
        Assert.Contains("Pay as you go", mail.TextBody);
    }

    [Fact]
    public void HtmlValues_AreEncoded_AndNeverBecomePlaceholders()
    {
        var mail = app.Services.GetRequiredService<IEmailComposer>().Compose(EmailKinds.PasswordReset, "x@example.com", CultureInfo.GetCultureInfo("en"),
            new Dictionary<string, string> { ["name"] = "<b>{{link}}</b>", ["link"] = "https://portal.example/l", ["minutes"] = "15" });

        Assert.Contains("&lt;b&gt;{{link}}&lt;/b&gt;", mail.HtmlBody);
        Assert.DoesNotContain("<b>", mail.HtmlBody);
    }
}
