using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Onboarding;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>A person in Chromium: the simulator's Subscribe, AWS's "Set up your account" POST, the first wizard page.</summary>
public sealed class LandingJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly PortalAppFactory app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = width, Height = height }, Locale = "en-US",
        });
        return await context.NewPageAsync();
    }

    private static async Task SubscribeAsync(IPage page, string outcome = "Resolve normally")
    {
        await page.GotoAsync("dev/marketplace");
        await page.WaitForCircuitAsync();
        if (outcome != "Resolve normally") await WizardSteps.PickAsync(page, "outcome", outcome);
        await page.Locator("#subscribe").ClickAsync();
        await page.Locator("#setup-account").WaitForAsync();
    }

    [Fact]
    public async Task Subscribe_SetUpAccount_ShowsFirstWizardPageAndContinues()
    {
        var page = await NewPageAsync();

        await SubscribeAsync(page);
        await page.ShotAsync("01-dev-marketplace-subscribed");
        await page.Locator("#setup-account").ClickAsync();
        await page.WaitForURLAsync("**/onboarding");
        await page.WaitForCircuitAsync();
        await page.ShotAsync("02-onboarding-start");

        Assert.Contains("Finish setting up Test Analytics", await page.Locator("h1").InnerTextAsync());
        Assert.Contains("Pay as you go", await page.ContentAsync());
        Assert.Matches(@"\*{8}\d{4}", await page.Locator(".portal-mono").InnerTextAsync());
        await page.ClickAndWaitForUrlAsync(page.GetByRole(AriaRole.Button, new() { Name = "Continue" }), "**/onboarding/account");
        await page.Locator("h1", new() { HasText = "Sign in or create your account" }).WaitForAsync();
        await page.ShotAsync("03-onboarding-account");

        await page.ReloadAsync(); // a refresh resumes the persisted step
        await page.Locator("h1", new() { HasText = "Sign in or create your account" }).WaitForAsync();
        await using var db = app.CreateDbContext();
        Assert.Equal(OnboardingStep.Account, (await db.OnboardingSessions.SingleAsync()).Step);
    }

    [Fact]
    public async Task DeepLinkToLaterStep_BeforeContinuing_RedirectsToCurrentStep()
    {
        var page = await NewPageAsync();
        await SubscribeAsync(page);
        await page.Locator("#setup-account").ClickAsync();
        await page.WaitForURLAsync("**/onboarding");

        await page.GotoAsync("onboarding/account");

        await page.WaitForURLAsync("**/onboarding");
        await page.Locator("h1", new() { HasText = "Finish setting up" }).WaitForAsync();
    }

    [Fact]
    public async Task ExpiredToken_OnPhone_ShowsRecoveryPage()
    {
        var page = await NewPageAsync(375, 740);

        await SubscribeAsync(page, "Token expired");
        await page.Locator("#setup-account").ClickAsync();
        await page.Locator("h1", new() { HasText = "Your setup link has expired" }).WaitForAsync();
        await page.ShotAsync("04-expired-token-phone");

        Assert.Equal(1, await page.GetByRole(AriaRole.Link, new() { Name = "Back to AWS Marketplace" }).CountAsync());
        Assert.Equal(1, await page.GetByRole(AriaRole.Link, new() { Name = "Contact support" }).CountAsync());
    }
}
