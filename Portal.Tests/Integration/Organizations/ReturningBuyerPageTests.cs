using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Simulator;
using Portal.Marketplace.Subscriptions;
using Portal.Organizations;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration.Admin;

namespace Portal.Tests.Integration.Organizations;

/// <summary>
/// A buyer whose AWS subscription already bills an organization clicks "Set up your account" again: the landing says
/// so (never "not connected yet"), names the organization to its members only, and opens it. A signed-in buyer who
/// arrives before anything is linked is told who they are signed in as, with a way to use another account.
/// </summary>
public sealed class ReturningBuyerPageTests : IAsyncLifetime
{
    private PortalAppFactory app = null!;

    public Task InitializeAsync() { app = new PortalAppFactory(); _ = app.BaseAddress; return Task.CompletedTask; }
    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<(HttpClient Browser, CookieContainer Cookies)> BrowserAsync(string? signedInAs)
    {
        var cookies = new CookieContainer();
        var browser = app.CreateBrowser(cookies: cookies);
        if (signedInAs is not null) await AdminTestData.SignInAsync(app, browser, cookies, signedInAs, "/account");
        return (browser, cookies);
    }

    private static async Task<string> LandAndReadAsync(HttpClient browser, string token)
    {
        var landed = await browser.PostAsync("/marketplace/landing", new FormUrlEncodedContent([new("x-amzn-marketplace-token", token)]));
        Assert.Equal(303, (int)landed.StatusCode);
        return WebUtility.HtmlDecode(await browser.GetStringAsync("/onboarding"));
    }

    private static string Antiforgery(string html) =>
        System.Text.RegularExpressions.Regex.Match(html, "<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;

    [Fact]
    public async Task A_returning_buyer_is_told_the_subscription_is_set_up_and_only_members_see_which_organization()
    {
        var owner = await AdminTestData.CreateUserAsync(app, "owner@example.com");
        await AdminTestData.CreateUserAsync(app, "outsider@example.com");
        var token = app.Services.GetRequiredService<SimulatorTokens>().Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, "431100000001");
        var (first, _) = await BrowserAsync(null);
        Assert.Contains("Your subscription is not connected yet", await LandAndReadAsync(first, token));

        // The subscription gets linked (as the wizard's Link does) to an organization the owner administers.
        await using (var db = app.CreateDbContext())
        {
            var org = new Organization { Name = "Returning Org", CreatedAt = DateTimeOffset.UtcNow };
            org.Members.Add(new OrganizationMember { UserId = owner.Id, Role = OrganizationRole.Admin, JoinedAt = DateTimeOffset.UtcNow });
            db.Organizations.Add(org);
            await db.SaveChangesAsync();
            await db.Subscriptions.ExecuteUpdateAsync(u => u.SetProperty(s => s.OrganizationId, org.Id).SetProperty(s => s.LinkedAt, DateTimeOffset.UtcNow));
        }

        var (member, _) = await BrowserAsync("owner@example.com");
        var asMember = await LandAndReadAsync(member, token);
        Assert.Contains("This subscription is already set up", asMember);
        Assert.True(asMember.Contains("Open Returning Org"), asMember[asMember.IndexOf("<main", StringComparison.Ordinal)..]);
        Assert.DoesNotContain("not connected yet", asMember);

        var (outsider, _) = await BrowserAsync("outsider@example.com");
        var asOutsider = await LandAndReadAsync(outsider, token);
        Assert.Contains("This subscription is already set up", asOutsider);
        Assert.Contains("You are signed in as outsider@example.com, which is not a member", asOutsider);
        Assert.Contains("Not you? Use another account", asOutsider);
        Assert.DoesNotContain("Returning Org", asOutsider);

        var (anonymous, _) = await BrowserAsync(null);
        var asAnonymous = await LandAndReadAsync(anonymous, token);
        Assert.Contains("already connected to an organization", asAnonymous);
        Assert.DoesNotContain("Returning Org", asAnonymous);

        // Nothing new was created by coming back.
        await using var check = app.CreateDbContext();
        Assert.Equal(1, await check.Subscriptions.CountAsync());
        Assert.Equal(1, await check.Organizations.CountAsync());
    }

    [Fact]
    public async Task A_signed_in_buyer_sees_who_they_are_and_can_switch_to_another_account_before_linking()
    {
        await AdminTestData.CreateUserAsync(app, "someone@example.com");
        var token = app.Services.GetRequiredService<SimulatorTokens>().Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, "431100000002");
        var (browser, cookies) = await BrowserAsync("someone@example.com");

        var page = await LandAndReadAsync(browser, token);
        Assert.Contains("Signed in as someone@example.com.", page);
        Assert.Contains("Not you? Use another account", page);

        // The form signs out and comes back to the wizard's landing, which now offers the account step afresh.
        var antiforgery = Antiforgery(page);
        Assert.NotEmpty(antiforgery);
        var signedOut = await browser.PostAsync("/account/signout", new FormUrlEncodedContent([new("__RequestVerificationToken", antiforgery), new("returnUrl", "/onboarding")]));
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal("/onboarding", signedOut.Headers.Location?.OriginalString);
        var after = WebUtility.HtmlDecode(await browser.GetStringAsync("/onboarding"));
        Assert.DoesNotContain("Signed in as", after);
        Assert.Contains("Your subscription is not connected yet", after);

        // A return address off this site is never followed.
        var again = await AdminTestData.SignInAsync(app, browser, cookies, "someone@example.com", "/account");
        var page2 = WebUtility.HtmlDecode(await browser.GetStringAsync("/account"));
        var token2 = Antiforgery(page2);
        var offsite = await browser.PostAsync("/account/signout", new FormUrlEncodedContent([new("__RequestVerificationToken", token2), new("returnUrl", "//evil.example/")]));
        Assert.Equal("/", offsite.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_simulator_confirms_a_linked_subscription_by_itself_after_its_delay()
    {
        await using var confirming = new PortalAppFactory(new Dictionary<string, string?> { ["Simulator:ConfirmDelay"] = "00:00:01" });
        _ = confirming.BaseAddress;
        var token = confirming.Services.GetRequiredService<SimulatorTokens>().Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, "431100000003");
        using var browser = confirming.CreateBrowser();
        Assert.Equal(303, (int)(await browser.PostAsync("/marketplace/landing", new FormUrlEncodedContent([new("x-amzn-marketplace-token", token)]))).StatusCode);
        await using (var db = confirming.CreateDbContext())
        {
            Assert.Equal(SubscriptionStatus.Pending, (await db.Subscriptions.SingleAsync()).Status);
            var org = new Organization { Name = "Auto Org", CreatedAt = DateTimeOffset.UtcNow };
            db.Organizations.Add(org);
            await db.SaveChangesAsync();
            await db.Subscriptions.ExecuteUpdateAsync(u => u.SetProperty(s => s.OrganizationId, org.Id).SetProperty(s => s.LinkedAt, DateTimeOffset.UtcNow));
        }

        // Bounded wait: the worker ticks every second; a minute is far more than it needs.
        var status = SubscriptionStatus.Pending;
        for (var i = 0; i < 120 && status == SubscriptionStatus.Pending; i++)
        {
            await Task.Delay(500);
            await using var db = confirming.CreateDbContext();
            status = (await db.Subscriptions.AsNoTracking().SingleAsync()).Status;
        }
        Assert.Equal(SubscriptionStatus.Active, status);
        await using var audit = confirming.CreateDbContext();
        Assert.True(await audit.MarketplaceNotifications.AnyAsync(), "the confirmation came through the SNS endpoint, as AWS's would");
    }
}
