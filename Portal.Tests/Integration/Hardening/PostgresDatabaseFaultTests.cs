using System.Net;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Hardening;

/// <summary>
/// PostgreSQL restarting (every connection dropped, new ones refused): a full page that needs the database answers
/// the localized 503 "briefly unavailable" page, not a stack trace, and the page works again afterwards. Always on
/// PostgreSQL: with SQLite in WAL mode a write lock leaves reads, and so this page, working.
/// </summary>
public sealed class PostgresDatabaseFaultTests : IAsyncLifetime
{
    private PostgresDatabase database = null!;
    private PortalAppFactory app = null!;

    public async Task InitializeAsync()
    {
        database = await PostgresDatabase.CreateAsync();
        app = new PortalAppFactory(postgresConnection: database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await database.DisposeAsync();
    }

    private static async Task<string> UnavailablePageAsync(HttpClient browser, string language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/onboarding");
        request.Headers.AcceptLanguage.ParseAdd(language);
        using var response = await browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter?.Delta);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Exception", html);
        Assert.DoesNotContain(" at Portal.", html);
        return WebUtility.HtmlDecode(html); // Razor writes non-ASCII text as character references
    }

    [Fact]
    public async Task DatabaseDown_WizardPageIsALocalized503_PageWorksAfterwards()
    {
        using var browser = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.SeeOther, (await DatabaseFaultTests.LandAsync(app, browser)).StatusCode);

        await using (await DatabaseOutage.StartAsync(app.Services))
        {
            Assert.Contains("We are briefly unavailable", await UnavailablePageAsync(browser, "en"));
            Assert.Contains("ただいま一時的にご利用いただけません", await UnavailablePageAsync(browser, "ja-JP"));
            Assert.Contains("服务暂时不可用", await UnavailablePageAsync(browser, "zh-CN"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await browser.GetAsync("/health/ready")).StatusCode);
        }

        Assert.Contains("Test Analytics", await browser.GetStringAsync("/onboarding"));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/health/ready")).StatusCode);
    }
}
