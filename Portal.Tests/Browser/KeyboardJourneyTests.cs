using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Onboarding;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>
/// The whole PAYG wizard with the keyboard only (Tab, Shift+Tab, Enter, Space, arrows, typing). The simulator page and
/// reading the verification code from the outbox are setup, not part of the buyer's journey.
/// </summary>
public sealed class KeyboardJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly PortalAppFactory app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task PaygJourney_KeyboardOnly_ReachesBilling()
    {
        var page = await (await browser.Browser.NewContextAsync(app)).NewPageAsync();
        await page.GotoAsync("dev/marketplace");
        await page.WaitForCircuitAsync();
        await page.Locator("#subscribe").ClickAsync();
        await page.Locator("#setup-account").ClickAsync();
        await page.WaitForURLAsync("**/onboarding");
        await page.WaitForCircuitAsync();

        await Keys.SubmitAsync(page, "#start-continue", "**/onboarding/account");
        await page.ShotAsync("kb-01-account");
        await Keys.TabToAsync(page, "[role=tablist]"); // MudTabs: one tab stop (roving tabindex), the arrows move between tabs
        await page.Keyboard.PressAsync("ArrowRight");
        // The tabs move focus through the circuit: Enter must wait for it, or it lands on the first tab again.
        await page.WaitForFunctionAsync("() => document.activeElement?.getAttribute('role') === 'tab' && document.activeElement.textContent.trim() === 'Create account'",
            null, new() { Timeout = 15_000 });
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("input[name=register-name]").WaitForAsync(new() { Timeout = 30_000 });
        await Keys.TypeIntoAsync(page, "input[name=register-name]", "Kim Keys");
        await Keys.TypeIntoAsync(page, "input[name=register-email]", "kim@example.com");
        await Keys.TypeIntoAsync(page, "input[name=register-password]", "Str0ng!Passw0rd");
        await Keys.TypeIntoAsync(page, "input[name=register-confirm]", "Str0ng!Passw0rd");
        await Keys.TabToAsync(page, ".mud-checkbox:has(input[name=register-terms])");
        await page.Keyboard.PressAsync("Space");
        await page.ShotAsync("kb-02-register");
        await Keys.SubmitAsync(page, "#register-submit", "**/onboarding/verify-email");

        await Keys.TypeIntoAsync(page, "input[name=verify-code]", await BuyerSteps.LatestCodeAsync(app, "kim@example.com"));
        await Keys.SubmitAsync(page, "#verify-submit", "**/onboarding/business");

        await Keys.TypeIntoAsync(page, "input[name=company]", "Keyboard Trading");
        await Keys.ChooseAsync(page, "role", "Engineering");
        await Keys.ChooseAsync(page, "size", "51–200 employees");
        await Keys.CompleteAsync(page, "country", "Japan");
        await Keys.TypeIntoAsync(page, "textarea[name=usecase]", "Observability");
        await Keys.TabToAsync(page, "input[name=company]", backwards: true); // and back up to check the answers
        Assert.Equal("Keyboard Trading", await page.Locator("input[name=company]").InputValueAsync());
        await page.ShotAsync("kb-03-business");
        await Keys.SubmitAsync(page, "#step-submit", "**/onboarding/enterprise");

        await Keys.TypeIntoAsync(page, "input[name=legal]", "Keyboard Trading Ltd.");
        await Keys.ChooseAsync(page, "industry", "Retail");
        await Keys.TypeIntoAsync(page, "textarea[name=address]", "1-2-3 Shibuya, Tokyo");
        await Keys.TypeIntoAsync(page, "input[name=billingemail]", "billing@example.com");
        await page.ShotAsync("kb-04-enterprise");
        await Keys.SubmitAsync(page, "#step-submit", "**/onboarding/site");

        await Keys.TabToAsync(page, "input[name=site]");
        await page.Keyboard.PressAsync("ArrowDown"); // the first site has focus; the arrow moves to and checks the second
        await page.Locator("input[name=site][value=cn-northwest-1]:checked").WaitForAsync(new() { Timeout = 30_000 });
        await page.ShotAsync("kb-05-site");
        await Keys.SubmitAsync(page, "#step-submit", "**/onboarding/organization");

        await Keys.TypeIntoAsync(page, "input[name=org-name]", "Keyboard Org");
        await page.ShotAsync("kb-06-organization");
        await Keys.SubmitAsync(page, "#step-submit", "**/onboarding/workspace");

        await Keys.TypeIntoAsync(page, "input[name=ws-name]", "Production");
        await Keys.ChooseAsync(page, "ws-language", "日本語");
        await page.ShotAsync("kb-07-workspace");
        await Keys.SubmitAsync(page, "#step-submit", "**/onboarding/review");

        await page.ShotAsync("kb-08-review");
        await Keys.SubmitAsync(page, "#step-submit", "**/onboarding/linked");
        await page.ShotAsync("kb-09-linked");
        await Keys.TabToAsync(page, "#go-billing");
        await page.Keyboard.PressAsync("Enter");
        // Right after Link AWS has not confirmed yet: the billing page says so rather than "billed through AWS".
        await page.GetByText("AWS is confirming your subscription").First.WaitForAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#billing-banner")).ToHaveAttributeAsync("data-state", "Pending", new() { Timeout = 30_000 });
        await page.ShotAsync("kb-10-billing");

        await using var db = app.CreateDbContext();
        var session = await db.OnboardingSessions.SingleAsync();
        Assert.Equal(OnboardingStep.Linked, session.Step);
        var business = OnboardingData.Parse(session.Data).Business!;
        Assert.Equal(("Keyboard Trading", "Engineering", "JP"), (business.CompanyName, business.Role, business.Country));
        var workspace = await db.Workspaces.SingleAsync();
        Assert.Equal(("Production", "ja", "cn-northwest-1"), (workspace.Name, workspace.Language, workspace.Site));
        Assert.Equal("Keyboard Org", (await db.Organizations.SingleAsync()).Name);
    }
}
