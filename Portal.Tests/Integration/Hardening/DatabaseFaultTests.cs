using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Simulator;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Hardening;

/// <summary>
/// The database briefly unavailable (SQLite write-locked by another process; PostgreSQL refusing connections): the
/// landing answers a clear, localized 503 page with Retry-After and stores nothing, readiness reports the outage,
/// and everything works again once the database is back. Full pages: PostgresDatabaseFaultTests.
/// </summary>
public sealed class DatabaseFaultTests : IAsyncLifetime
{
    private readonly PortalAppFactory app = new(sqliteOptions: DatabaseOutage.FastFailingSqlite);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    internal static Task<HttpResponseMessage> LandAsync(PortalAppFactory app, HttpClient browser, string? language = null)
    {
        var token = app.Services.GetRequiredService<SimulatorTokens>().Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, SimulatorTokens.NewAccountId());
        var request = new HttpRequestMessage(HttpMethod.Post, "/marketplace/landing") { Content = new FormUrlEncodedContent([new("x-amzn-marketplace-token", token)]) };
        if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
        return browser.SendAsync(request);
    }

    [Fact]
    public async Task DatabaseDown_LandingAndReadinessSay503_BothWorkAgainAfterwards()
    {
        using var browser = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.SeeOther, (await LandAsync(app, browser)).StatusCode); // this browser has a wizard session
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/health/ready")).StatusCode);

        await using (await DatabaseOutage.StartAsync(app.Services))
        {
            using var second = app.CreateBrowser();
            var landing = await LandAsync(app, second);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, landing.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(60), landing.Headers.RetryAfter?.Delta);
            var html = await landing.Content.ReadAsStringAsync();
            Assert.Contains("Setup is briefly unavailable", html);
            Assert.DoesNotContain("Exception", html);
            Assert.DoesNotContain(" at Portal.", html);
            // Razor encodes non-ASCII text as character references: decode before looking for it.
            Assert.Contains("セットアップは一時的にご利用いただけません", WebUtility.HtmlDecode(await (await LandAsync(app, second, "ja-JP")).Content.ReadAsStringAsync()));
            Assert.Contains("设置暂时不可用", WebUtility.HtmlDecode(await (await LandAsync(app, second, "zh-CN")).Content.ReadAsStringAsync()));

            var ready = await browser.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("\"database\"", await ready.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/health/ready")).StatusCode);
        Assert.Contains("Test Analytics", await browser.GetStringAsync("/onboarding")); // the first buyer's session survived
        using var later = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.SeeOther, (await LandAsync(app, later)).StatusCode);
        await using var db = app.CreateDbContext();
        Assert.Equal(2, await db.Subscriptions.CountAsync()); // the refused landings stored nothing half-way
        Assert.Equal(2, await db.OnboardingSessions.CountAsync());
        Assert.DoesNotContain(app.Logs.Lines, l => l.StartsWith("Error ") && l.Contains("Landing failed unexpectedly"));
    }

    [Fact]
    public async Task ABugIsNotAnOutage_BadSqlStaysAnError()
    {
        await using var db = app.CreateDbContext();

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("SELECT * FROM no_such_table"));

        Assert.False(Portal.Data.DbErrors.IsUnavailable(ex)); // a 500 and an error in the log, not "try again later"
    }
}
