using System.Net;
using System.Text.RegularExpressions;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Accounts;
using Portal.Accounts.Pages;
using Portal.Operations;
using Portal.Tests.Components;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Accounts;

/// <summary>
/// A circuit reports its own base URI and a request carries its own Host, so neither may decide where an e-mail's
/// link (with its reset or verification token) points: only Portal:PublicBaseUrl does.
/// </summary>
public sealed class PublicLinkCircuitTests : StepPageContext
{
    private const string Attacker = "https://attacker.example/";

    public PublicLinkCircuitTests() : base(configureServices: s => s.AddSingleton<NavigationManager>(new ClaimedHostNavigation(Attacker))) { }

    [Fact]
    public async Task Reset_asked_from_a_circuit_claiming_another_host_links_to_the_configured_one()
    {
        using (var scope = App.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ApplicationUser>>()
                .CreateAsync(new ApplicationUser { UserName = "victim@example.com", Email = "victim@example.com", EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow }, "Str0ng!Passw0rd");
        Assert.Equal(Attacker, Services.GetRequiredService<NavigationManager>().BaseUri);
        var cut = Render<ForgotPasswordPage>();

        cut.Find("input[name=forgot-email]").Input("victim@example.com");
        cut.Find("form").Submit();
        cut.WaitForElement("#forgot-sent");

        var link = await LinkInMailAsync("victim@example.com", "account/reset");
        var configured = App.Services.GetRequiredService<PublicUrls>().BaseUrl.AbsoluteUri;
        Assert.StartsWith(configured + "account/reset?uid=", link);
        Assert.DoesNotContain("attacker.example", link);
    }

    [Fact]
    public async Task Verification_sent_while_a_circuit_claims_another_host_links_to_the_configured_one()
    {
        await SeedUnverifiedAsync(sendCode: false);
        var cut = RenderStep<Portal.Onboarding.Pages.VerifyEmailStepPage>();
        cut.WaitForElement("#verify-resend");

        cut.Find("#verify-resend").Click();

        var link = await LinkInMailAsync("c@example.com", "account/verify");
        Assert.StartsWith(App.Services.GetRequiredService<PublicUrls>().BaseUrl.AbsoluteUri + "account/verify?token=", link);
    }

    private async Task<string> LinkInMailAsync(string to, string path)
    {
        for (var i = 0; i < 100; i++)
        {
            await using var db = App.CreateDbContext();
            if (await db.EmailMessages.AsNoTracking().FirstOrDefaultAsync(m => m.To == to) is { } mail)
                return Regex.Match(mail.TextBody, $@"\S+/{path}\S*").Value;
            await Task.Delay(50);
        }
        throw new TimeoutException($"No e-mail to {to} within 5 s.");
    }

    private sealed class ClaimedHostNavigation : NavigationManager
    {
        public ClaimedHostNavigation(string baseUri) => Initialize(baseUri, baseUri + "account/forgot");
        protected override void NavigateToCore(string uri, NavigationOptions options) => Uri = ToAbsoluteUri(uri).ToString();
    }
}

public sealed class PublicBaseUrlStartupTests
{
    [Fact]
    public async Task A_request_for_another_host_is_refused()
    {
        await using var app = new PortalAppFactory(new Dictionary<string, string?> { ["Portal:PublicBaseUrl"] = "https://portal.example/" });
        using var client = app.CreateBrowser();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account/forgot");
        request.Headers.Host = "attacker.example";

        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(request)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/forgot")).StatusCode); // its own loopback address still works
    }

    [Fact]
    public async Task An_explicit_AllowedHosts_wins_over_the_default()
    {
        await using var app = new PortalAppFactory(new Dictionary<string, string?>
        {
            ["Portal:PublicBaseUrl"] = "https://portal.example/", ["AllowedHosts"] = "portal.example;other.example",
        });
        using var client = app.CreateBrowser();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account/forgot");
        request.Headers.Host = "other.example";

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Development_without_a_public_base_url_uses_the_address_it_is_told_to_listen_on()
    {
        await using var app = new PortalAppFactory(new Dictionary<string, string?>
        {
            ["environment"] = "Development", ["Portal:PublicBaseUrl"] = null, ["urls"] = "http://127.0.0.1:5099;https://127.0.0.1:5098",
        });

        Assert.Equal("http://127.0.0.1:5099/", app.Services.GetRequiredService<PublicUrls>().BaseUrl.AbsoluteUri);
    }

    [Fact]
    public async Task Production_without_a_public_base_url_refuses_to_start_naming_the_key()
    {
        await using var app = new PortalAppFactory(new Dictionary<string, string?>
        {
            ["environment"] = "Production", ["Portal:PublicBaseUrl"] = null, ["DevTools:Enabled"] = "false", ["Marketplace:Mode"] = "Aws",
        });

        var ex = Assert.ThrowsAny<Exception>(() => app.BaseAddress);

        var validation = ex as OptionsValidationException ?? ex.InnerException as OptionsValidationException;
        Assert.NotNull(validation);
        Assert.Contains("Portal:PublicBaseUrl", validation.Message);
    }

    [Theory]
    [InlineData("https://portal.example.com", "https://portal.example.com/account/forgot")]
    [InlineData("https://example.com/portal", "https://example.com/portal/account/forgot")]
    [InlineData("http://127.0.0.1:5091/", "http://127.0.0.1:5091/account/forgot")]
    public void Links_sit_under_the_configured_base(string configured, string expected)
    {
        var urls = new PublicUrls(Options.Create(new PublicUrlOptions { PublicBaseUrl = PublicUrlsExtensions.Normalize(configured) }));

        Assert.Equal(expected, urls.Link("/account/forgot"));
    }

    [Theory]
    [InlineData("portal.example.com")]
    [InlineData("ftp://portal.example.com/")]
    [InlineData("https://portal.example.com/?a=b")]
    [InlineData("https://user:pw@portal.example.com/")]
    public async Task A_base_url_that_is_not_a_plain_http_address_refuses_to_start(string configured)
    {
        await using var app = new PortalAppFactory(new Dictionary<string, string?> { ["Portal:PublicBaseUrl"] = configured });

        var ex = Assert.ThrowsAny<Exception>(() => app.BaseAddress);

        Assert.Contains("Portal:PublicBaseUrl", (ex as OptionsValidationException ?? ex.InnerException)?.Message);
    }
}
