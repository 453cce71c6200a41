using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Audit;
using Portal.Marketplace.Simulator;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Marketplace;

/// <summary>Every way a landing can fail: the right status and page, never a 500, and nothing persisted.</summary>
public sealed class LandingProblemTests : IAsyncLifetime
{
    private readonly PortalAppFactory app = new();
    private readonly List<string> tokens = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    private string Mint(SimulatedFailure failure)
    {
        var token = app.Services.GetRequiredService<SimulatorTokens>()
            .Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, SimulatorTokens.NewAccountId(), failure);
        tokens.Add(token);
        return token;
    }

    private static FormUrlEncodedContent Form(string token) => new([new("x-amzn-marketplace-token", token)]);

    private async Task AssertNothingStored()
    {
        await using var db = app.CreateDbContext();
        Assert.Equal(0, await db.Subscriptions.CountAsync());
        Assert.Equal(0, await db.OnboardingSessions.CountAsync());
    }

    private static async Task<string> AssertPage(HttpResponseMessage response, HttpStatusCode status, string text)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(text, html);
        Assert.Contains("href=\"https://aws.amazon.com/marketplace", html);         // the way back to the listing
        Assert.Contains("https://support.testbrand.example/help", html);            // and to support
        Assert.DoesNotContain("Exception", html);
        Assert.DoesNotContain(" at Portal.", html);
        return html;
    }

    [Theory]
    [InlineData(SimulatedFailure.Invalid, HttpStatusCode.BadRequest, "We could not verify your subscription")]
    [InlineData(SimulatedFailure.Expired, HttpStatusCode.Gone, "Your setup link has expired")]
    [InlineData(SimulatedFailure.ThrottleForever, HttpStatusCode.ServiceUnavailable, "AWS Marketplace is not answering right now")]
    [InlineData(SimulatedFailure.Hang, HttpStatusCode.ServiceUnavailable, "AWS Marketplace is not answering right now")]
    [InlineData(SimulatedFailure.DisabledApi, HttpStatusCode.ServiceUnavailable, "Setup is temporarily unavailable")]
    public async Task Post_AwsRefusesToken_ExplainsAndStoresNothing(SimulatedFailure failure, HttpStatusCode status, string text)
    {
        using var browser = app.CreateBrowser();

        var response = await browser.PostAsync("/marketplace/landing", Form(Mint(failure)));

        await AssertPage(response, status, text);
        Assert.False(response.Headers.Contains("Set-Cookie") &&
                     response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("Portal.Onboarding=")));
        await AssertNothingStored();
    }

    [Fact]
    public async Task Post_DisabledApi_LogsErrorAndAuditsForOperator()
    {
        using var browser = app.CreateBrowser();

        await browser.PostAsync("/marketplace/landing", Form(Mint(SimulatedFailure.DisabledApi)));

        Assert.Contains(app.Logs.Lines, l => l.StartsWith("Error ") && l.Contains("DisabledApiException"));
        await using var db = app.CreateDbContext();
        var audit = await db.AuditEvents.SingleAsync();
        Assert.Equal(AuditEventTypes.ResolveDisabledApi, audit.Type);
    }

    public static TheoryData<string, HttpContent?> BadRequests() => new()
    {
        { "missing field", new FormUrlEncodedContent([new("something-else", "x")]) },
        { "empty token", new FormUrlEncodedContent([new("x-amzn-marketplace-token", "")]) },
        { "whitespace token", new FormUrlEncodedContent([new("x-amzn-marketplace-token", "   ")]) },
        { "oversized token", new FormUrlEncodedContent([new("x-amzn-marketplace-token", new string('A', 4097))]) },
        { "huge body", new FormUrlEncodedContent([new("x-amzn-marketplace-token", new string('A', 200_000))]) },
        { "json body", new StringContent("{\"x-amzn-marketplace-token\":\"abc\"}", Encoding.UTF8, "application/json") },
        { "plain text", new StringContent("x-amzn-marketplace-token=abc", Encoding.UTF8, "text/plain") },
        { "no body", null },
        { "token twice", new FormUrlEncodedContent([new("x-amzn-marketplace-token", "a"), new("x-amzn-marketplace-token", "b")]) },
        { "broken multipart", new StringContent("--x\r\nnot multipart", Encoding.UTF8, "multipart/form-data") },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Post_MalformedRequest_400PageAndNothingStored(string what, HttpContent? content)
    {
        using var browser = app.CreateBrowser();

        var response = await browser.PostAsync("/marketplace/landing", content);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode}");
        await AssertPage(response, HttpStatusCode.BadRequest, "This link cannot start your setup");
        await AssertNothingStored();
    }

    [Fact]
    public async Task Get_WithoutToken_400Page()
    {
        using var browser = app.CreateBrowser();

        var response = await browser.GetAsync("/marketplace/landing");

        await AssertPage(response, HttpStatusCode.BadRequest, "This link cannot start your setup");
    }

    [Fact]
    public async Task Landing_AnyOutcome_TokenNeverInLogsOrPages()
    {
        using var browser = app.CreateBrowser(followRedirects: true);
        var pages = new StringBuilder();

        foreach (var failure in new[] { SimulatedFailure.None, SimulatedFailure.Invalid, SimulatedFailure.Expired, SimulatedFailure.ThrottleOnce, SimulatedFailure.DisabledApi })
        {
            var post = await browser.PostAsync("/marketplace/landing", Form(Mint(failure)));
            pages.Append(await post.Content.ReadAsStringAsync());
            Assert.DoesNotContain(tokens[^1], post.RequestMessage!.RequestUri!.ToString());
        }
        var get = await browser.GetAsync("/marketplace/landing?x-amzn-marketplace-token=" + Uri.EscapeDataString(Mint(SimulatedFailure.None)));
        pages.Append(await get.Content.ReadAsStringAsync());

        Assert.DoesNotContain("x-amzn-marketplace-token=", get.RequestMessage!.RequestUri!.ToString());
        var logs = app.Logs.All;
        Assert.NotEmpty(app.Logs.Lines);
        foreach (var token in tokens)
        {
            Assert.DoesNotContain(token, logs);
            Assert.DoesNotContain(Uri.EscapeDataString(token), logs);
            Assert.DoesNotContain(token, pages.ToString());
        }
    }
}
