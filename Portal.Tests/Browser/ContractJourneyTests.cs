using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Marketplace.Subscriptions;
using Portal.Onboarding;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>A new buyer on a private contract offer, from the simulator's Subscribe to the linked page, in Chromium.</summary>
public sealed class ContractJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly PortalAppFactory app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task NewUserContract_WizardToLinked_CreatesNewOrganization()
    {
        var page = await (await browser.Browser.NewContextAsync(app)).NewPageAsync();
        await page.GotoAsync("dev/marketplace");
        await page.WaitForCircuitAsync();
        await WizardSteps.PickAsync(page, "product", "Test Enterprise");
        await page.GetByText("Private offer: contract").ClickAsync();
        await page.ShotAsync("contract-01-simulator");
        await page.Locator("#subscribe").ClickAsync();
        await page.Locator("#setup-account").ClickAsync();
        await page.WaitForURLAsync("**/onboarding");
        await page.WaitForCircuitAsync();
        Assert.Contains("Test Enterprise", await page.Locator("h1").InnerTextAsync());
        await page.ShotAsync("contract-02-start");
        await page.ClickAndWaitForUrlAsync(page.Locator("#start-continue"), "**/onboarding/account");
        await page.WaitForCircuitAsync();

        await BuyerSteps.RegisterAsync(page, "carol@example.com");
        await WizardSteps.VerifyAsync(page, app, "carol@example.com");
        await WizardSteps.FillBusinessAsync(page);
        await WizardSteps.NextAsync(page, "/onboarding/enterprise");
        await WizardSteps.FillEnterpriseAsync(page);
        await WizardSteps.NextAsync(page, "/onboarding/site");
        await WizardSteps.ChooseSiteAsync(page);
        await WizardSteps.NextAsync(page, "/onboarding/organization");
        // A contract always gets an organization of its own: the existing choice is off and says why.
        await Assertions.Expect(page.Locator("input[name=org-mode]").Nth(1)).ToBeDisabledAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("A contract gets its own organization", new() { Timeout = 30_000 });
        await page.ShotAsync("contract-03-organization");
        await WizardSteps.NameOrganizationAsync(page);
        await WizardSteps.NextAsync(page, "/onboarding/workspace");
        await WizardSteps.CreateWorkspaceAsync(page);
        await WizardSteps.NextAsync(page, "/onboarding/review");
        await WizardSteps.WaitForContractConfirmationAsync(page);
        await page.ShotAsync("contract-04-review");
        await WizardSteps.NextAsync(page, "/onboarding/linked");
        await page.ShotAsync("contract-05-linked");

        await using var db = app.CreateDbContext();
        var subscription = await db.Subscriptions.SingleAsync();
        var organization = await db.Organizations.SingleAsync();
        Assert.Equal((OfferType.Contract, PortalAppFactory.ContractProduct), (subscription.OfferType, subscription.ProductCode));
        Assert.Equal(organization.Id, subscription.OrganizationId);
        Assert.Equal("Example Trading", organization.Name);
        Assert.Equal(OnboardingStep.Linked, (await db.OnboardingSessions.SingleAsync()).Step);
    }
}
