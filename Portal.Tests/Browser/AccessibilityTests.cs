using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>axe-core on every page a buyer can see: the wizard, the landing error pages and the billing page.</summary>
public sealed class AccessibilityTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly PortalAppFactory app = new();
    private readonly Axe axe = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task CheckAsync(IPage page, string name, string shot)
    {
        await page.Locator("h1").First.WaitForAsync();
        await page.ShotAsync("axe-" + shot);
        await axe.CheckAsync(page, name);
    }

    [Fact]
    public async Task EveryPage_Axe_NoSeriousOrCriticalViolations()
    {
        var context = await browser.Browser.NewContextAsync(app);
        var page = await context.NewPageAsync();
        await page.GotoAsync("dev/marketplace");
        await page.WaitForCircuitAsync();
        await page.Locator("#subscribe").ClickAsync();
        await page.Locator("#setup-account").ClickAsync();
        await page.WaitForURLAsync("**/onboarding");
        await page.WaitForCircuitAsync();
        await CheckAsync(page, "start", "01-start");

        await page.ClickAndWaitForUrlAsync(page.GetByRole(AriaRole.Button, new() { Name = "Continue" }), "**/onboarding/account");
        await page.WaitForCircuitAsync();
        await CheckAsync(page, "account", "02-account");
        await BuyerSteps.RegisterAsync(page, "ada@example.com");
        await CheckAsync(page, "verify e-mail", "03-verify-email");
        await WizardSteps.VerifyAsync(page, app, "ada@example.com");

        await page.Locator("#step-submit").ClickAsync(); // the invalid state has its own markup (aria-invalid, alerts)
        await page.Locator(".mud-input-helper-text.mud-input-error").First.WaitForAsync(); // MudBlazor's field error (was .validation-message)
        await CheckAsync(page, "business (after invalid submit)", "04-business-invalid");
        await WizardSteps.FillBusinessAsync(page);
        await CheckAsync(page, "business", "05-business");
        await WizardSteps.NextAsync(page, "/onboarding/enterprise");
        await CheckAsync(page, "enterprise", "06-enterprise");
        await WizardSteps.FillEnterpriseAsync(page);
        await WizardSteps.NextAsync(page, "/onboarding/site");
        await CheckAsync(page, "site", "07-site");
        await WizardSteps.ChooseSiteAsync(page);
        await WizardSteps.NextAsync(page, "/onboarding/organization");
        await CheckAsync(page, "organization", "08-organization");
        await WizardSteps.NameOrganizationAsync(page);
        await WizardSteps.NextAsync(page, "/onboarding/workspace");
        await CheckAsync(page, "workspace", "09-workspace");
        await WizardSteps.CreateWorkspaceAsync(page);
        await WizardSteps.NextAsync(page, "/onboarding/review");
        await CheckAsync(page, "review", "10-review");
        await WizardSteps.NextAsync(page, "/onboarding/linked");
        await CheckAsync(page, "linked", "11-linked");
        await page.Locator("#go-billing").ClickAsync();
        await page.WaitForURLAsync("**/billing");
        await page.GetByText("Billed through AWS Marketplace").WaitForAsync();
        await CheckAsync(page, "billing", "12-billing");
        foreach (var (path, name) in new[] { ("account/security", "account security"), ("account/forgot", "forgot password"), ("account/reset?uid=x&token=y", "reset password") })
        {
            await page.GotoAsync(path);
            await page.WaitForCircuitAsync();
            await CheckAsync(page, name, "15-" + name.Replace(' ', '-'));
        }

        foreach (var (outcome, name) in new[] { ("Token invalid", "landing: invalid token"), ("Token expired", "landing: expired token") })
        {
            var problem = await context.NewPageAsync();
            await problem.GotoAsync("dev/marketplace");
            await problem.WaitForCircuitAsync();
            await WizardSteps.PickAsync(problem, "outcome", outcome);
            await problem.Locator("#subscribe").ClickAsync();
            await problem.Locator("#setup-account").ClickAsync();
            await problem.Locator("h1", new() { HasText = outcome == "Token invalid" ? "could not verify" : "expired" }).WaitForAsync();
            await CheckAsync(problem, name, outcome == "Token invalid" ? "13-invalid-token" : "14-expired-token");
        }

        var report = axe.WriteReport();
        Assert.True(!axe.Blocking.Any(), $"Serious or critical axe violations (see {report}):\n" +
            string.Join("\n", axe.Blocking.Select(b => $"{b.Page}: {b.Violation.Id} {b.Violation.Help} [{string.Join(", ", b.Violation.Targets)}]")));
    }
}
