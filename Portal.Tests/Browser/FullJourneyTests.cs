using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Email;
using Portal.Onboarding;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>A new buyer on a PAYG offer, end to end in Chromium, with a screenshot of every page.</summary>
public sealed class FullJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly PortalAppFactory app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    // The shared moves wait until a pick shows and retry a click a loaded machine lost while the circuit re-rendered.
    private static Task PickAsync(IPage page, string name, string option) => WizardSteps.PickAsync(page, name, option);

    private static Task NextAsync(IPage page, string path) => WizardSteps.NextAsync(page, path);

    [Fact]
    public async Task NewUserPayg_LandToBilling_LinksAndSendsConfirmation()
    {
        var page = await BuyerSteps.LandAtAccountAsync(await browser.Browser.NewContextAsync(app));
        await BuyerSteps.RegisterAsync(page, "ada@example.com");
        await page.Locator("input[name=verify-code]").FillAsync(await BuyerSteps.LatestCodeAsync(app, "ada@example.com"));
        await page.Locator("#verify-submit").ClickAsync();

        await page.WaitForURLAsync("**/onboarding/business");
        await page.WaitForCircuitAsync();
        await page.Locator("#step-submit").ClickAsync(); // empty form: messages, no move
        await page.GetByText("This field is required.").First.WaitForAsync(new() { Timeout = 30_000 });
        await page.ShotAsync("10-business-invalid");
        await page.Locator("input[name=company]").FillAsync("Example Trading Ltd");
        await PickAsync(page, "role", "Engineering");
        await PickAsync(page, "size", "51–200 employees");
        await WizardSteps.CompleteAsync(page, "country", "Japan");
        await page.Locator("textarea[name=usecase]").FillAsync("Observability for our shop");
        await page.ShotAsync("11-business");
        await NextAsync(page, "/onboarding/enterprise");

        await page.Locator("input[name=legal]").FillAsync("Example Trading Ltd.");
        await PickAsync(page, "industry", "Retail");
        await page.Locator("textarea[name=address]").FillAsync("1-2-3 Shibuya, Tokyo");
        await page.Locator("input[name=billingemail]").FillAsync("billing@example.com");
        await page.ShotAsync("12-enterprise");
        await NextAsync(page, "/onboarding/site");

        await page.GetByText("China 2 (Ningxia)").ClickAsync();
        await page.ShotAsync("13-site");
        await NextAsync(page, "/onboarding/organization");

        await page.Locator("input[name=org-name]").FillAsync("Example Trading");
        await page.ShotAsync("14-organization");
        await NextAsync(page, "/onboarding/workspace");

        await page.Locator("input[name=ws-name]").FillAsync("Production");
        await PickAsync(page, "ws-language", "日本語");
        await page.ShotAsync("15-workspace");
        await NextAsync(page, "/onboarding/review");

        await page.ShotAsync("16-review");
        await NextAsync(page, "/onboarding/linked");
        await page.ShotAsync("17-linked");

        await page.Locator("#go-billing").ClickAsync();
        // Right after Link AWS has not confirmed yet: the billing page says so rather than "billed through AWS".
        await page.GetByText("AWS is confirming your subscription").First.WaitForAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#billing-banner")).ToHaveAttributeAsync("data-state", "Pending", new() { Timeout = 30_000 });
        await page.ShotAsync("18-billing");
        await page.GoBackAsync();
        await page.Locator("#go-workspace").ClickAsync();
        await page.Locator("h1", new() { HasText = "Production" }).WaitForAsync(new() { Timeout = 30_000 });
        await page.ShotAsync("19-workspace-home");

        await using var check = app.CreateDbContext();
        var subscription = await check.Subscriptions.SingleAsync();
        var organization = await check.Organizations.SingleAsync();
        Assert.Equal(organization.Id, subscription.OrganizationId);
        var workspace = await check.Workspaces.SingleAsync();
        Assert.Equal(("Production", "ja", "cn-northwest-1"), (workspace.Name, workspace.Language, workspace.Site));
        Assert.Equal(OnboardingStep.Linked, (await check.OnboardingSessions.SingleAsync()).Step);
        Assert.Contains(await check.EmailMessages.Select(m => m.Kind).ToListAsync(), k => k == EmailKinds.SubscriptionLinked);
        Assert.Contains(await check.AuditEvents.Select(e => e.Type).ToListAsync(), t => t == "subscription.linked");
    }
}
