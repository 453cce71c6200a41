using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Onboarding;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>
/// Found by the crash test: the portal was killed after the sign-in hand-off had saved "verified, on to the business
/// step" but before its answer, with the sign-in cookie, reached the browser. The buyer then walked the wizard signed
/// out and was stuck at "Link" ("your sign-in has ended", and reloading changed nothing). Now every step after the
/// account step asks such a browser to sign in, keeps the answers, and continues where the session is.
/// </summary>
public sealed class LostSignInJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string IdentityCookie = ".AspNetCore.Identity.Application";

    [Fact]
    public async Task A_buyer_whose_sign_in_cookie_was_lost_signs_in_again_and_links()
    {
        await using var app = new PortalAppFactory();
        var context = await browser.Browser.NewContextAsync(app);
        var page = await BuyerSteps.LandAtAccountAsync(context);
        await BuyerSteps.RegisterAsync(page, "lost@example.com");
        await WizardSteps.VerifyAsync(page, app, "lost@example.com");
        await WizardSteps.FillBusinessAsync(page);
        await WizardSteps.NextAsync(page, "/onboarding/enterprise");
        Assert.Contains(await context.CookiesAsync(), c => c.Name == IdentityCookie);

        // The answer that would have set the cookie never arrived; the onboarding cookie is still there.
        await context.ClearCookiesAsync(new() { Name = IdentityCookie });
        await page.ReloadAsync();
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sign in to continue your setup");
        Assert.Equal(0, await page.Locator("input[name=legal]").CountAsync());
        await page.ShotAsync("86-sign-in-to-continue");

        await page.ClickAndWaitForUrlAsync(page.Locator("#onboarding-signin-continue"), "**/account/signin**");
        await page.WaitForCircuitAsync();
        await page.Locator("input[name=signin-email]").FillAsync("lost@example.com");
        await page.Locator("input[name=signin-password]").FillAsync("Str0ng!Passw0rd");
        await page.ClickAndWaitForUrlAsync(page.Locator("#signin-submit"), "**/onboarding/enterprise");
        await page.WaitForCircuitAsync();

        // Back where the session was, with the business answers kept, and the rest of the wizard works to the end.
        await WizardSteps.FillEnterpriseAsync(page);
        await WizardSteps.NextAsync(page, "/onboarding/site");
        await WizardSteps.ChooseSiteAsync(page);
        await WizardSteps.NextAsync(page, "/onboarding/organization");
        await WizardSteps.NameOrganizationAsync(page);
        await WizardSteps.NextAsync(page, "/onboarding/workspace");
        await WizardSteps.CreateWorkspaceAsync(page);
        await WizardSteps.NextAsync(page, "/onboarding/review");
        await Assertions.Expect(page.GetByText("Example Trading Ltd").First).ToBeVisibleAsync();
        await WizardSteps.NextAsync(page, "/onboarding/linked");

        await using var db = app.CreateDbContext();
        var session = await db.OnboardingSessions.AsNoTracking().SingleAsync();
        Assert.Equal(OnboardingStep.Linked, session.Step);
        Assert.NotNull((await db.Subscriptions.AsNoTracking().SingleAsync()).OrganizationId);
    }
}
