using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Simulator;
using Portal.Operations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Operations;

/// <summary>The security headers on every kind of response, and the cookies' flags.</summary>
public sealed class SecurityHeadersTests : IAsyncLifetime
{
    private PortalAppFactory app = null!;

    public Task InitializeAsync() { app = new PortalAppFactory(); _ = app.BaseAddress; return Task.CompletedTask; }
    public async Task DisposeAsync() => await app.DisposeAsync();

    [Theory]
    [InlineData("GET", "/")]                                  // a page
    [InlineData("GET", "/onboarding")]                        // the wizard without a session
    [InlineData("GET", "/dev/marketplace")]                   // a development page
    [InlineData("GET", "/account/signin")]                    // the sign-in page
    [InlineData("GET", "/admin")]                             // a redirect to sign-in
    [InlineData("GET", "/does-not-exist")]                    // the not-found page
    [InlineData("POST", "/marketplace/landing")]              // a landing error page (400)
    [InlineData("POST", "/api/v1/usage")]                     // an API problem (401)
    [InlineData("GET", "/health/ready")]                      // an operations endpoint
    [InlineData("GET", "/brand/logo.svg")]                    // a static brand asset
    public async Task Every_response_carries_the_security_headers(string method, string path)
    {
        using var client = app.CreateBrowser();
        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method == "POST" ? new StringContent("", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded") : null,
        });

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        var nonce = System.Text.RegularExpressions.Regex.Match(csp, "'nonce-([A-Za-z0-9_-]{22})'").Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy(nonce), csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Contains($"script-src 'self' 'nonce-{nonce}';", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Single(response.Headers.GetValues("Referrer-Policy"));
    }

    [Fact]
    public async Task Each_page_gets_its_own_nonce_and_the_import_map_carries_it()
    {
        using var client = app.CreateBrowser();

        var first = await client.GetAsync("/account/signin");
        var second = await client.GetAsync("/account/signin");

        var nonces = new[] { first, second }.Select(r => System.Text.RegularExpressions.Regex.Match(
            r.Headers.GetValues("Content-Security-Policy").Single(), "'nonce-([^']+)'").Groups[1].Value).ToArray();
        Assert.NotEqual(nonces[0], nonces[1]);
        var html = await first.Content.ReadAsStringAsync();
        Assert.Contains($"<script type=\"importmap\" nonce=\"{nonces[0]}\">", html);
    }

    [Fact]
    public async Task The_landing_keeps_no_referrer_and_its_cookie_is_HttpOnly_and_SameSite()
    {
        var token = app.Services.GetRequiredService<SimulatorTokens>().Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, "640000000001");
        using var client = app.CreateBrowser();
        var response = await client.GetAsync("/marketplace/landing?x-amzn-marketplace-token=" + Uri.EscapeDataString(token));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("Portal.Onboarding=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie.Replace("samesite", ""), StringComparison.OrdinalIgnoreCase); // plain HTTP on loopback: not Secure
    }

    [Fact]
    public async Task Behind_a_trusted_TLS_proxy_cookies_are_Secure_and_the_policy_upgrades_requests()
    {
        await using var proxied = new PortalAppFactory(new Dictionary<string, string?> { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" });
        var token = proxied.Services.GetRequiredService<SimulatorTokens>().Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, "640000000002");
        using var client = proxied.CreateBrowser();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/marketplace/landing?x-amzn-marketplace-token=" + Uri.EscapeDataString(token));
        request.Headers.Add("X-Forwarded-Proto", "https");
        var response = await client.SendAsync(request);

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("Portal.Onboarding=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie.Replace("samesite", ""), StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("upgrade-insecure-requests", response.Headers.GetValues("Content-Security-Policy").Single());
    }
}
