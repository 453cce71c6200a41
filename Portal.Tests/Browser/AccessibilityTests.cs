using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Playwright;
using Portal.Localization;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>
/// axe-core and the Content-Security-Policy on every page a buyer can see, in each of the three languages: the
/// wizard (both account tabs, an invalid submit), the landing error pages, the billing page, the account pages
/// and the 404. A page passes with no serious or critical axe violation and no CSP violation reported by Chromium.
/// </summary>
public sealed class AccessibilityTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly PortalAppFactory app = new();
    private readonly Axe axe = new();
    private CspWatch csp = null!;
    private string culture = "en";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    private string Text(string key)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        try { return app.Services.GetRequiredService<IStringLocalizer<SharedResources>>()[key]; }
        finally { CultureInfo.CurrentUICulture = previous; }
    }

    /// <summary>A country as the business step lists it in this language.</summary>
    private string CountryName(string code)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        try { return Portal.Onboarding.Steps.StepChoices.Countries().Single(c => c.Code == code).Name; }
        finally { CultureInfo.CurrentUICulture = previous; }
    }

    private async Task CheckAsync(IPage page, string name, string shot)
    {
        await page.Locator("h1").First.WaitForAsync(new() { Timeout = 30_000 });
        await page.ShotAsync($"axe-{shot}-{culture}");
        await axe.CheckAsync(page, $"{name} ({culture})");
        Assert.True(csp.Violations.Count == 0, $"CSP violations by {name} ({culture}):\n" + string.Join("\n", csp.Violations));
    }

    private async Task<IBrowserContext> ContextAsync()
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 800 }, Locale = culture,
        });
        // The header's picker sets this cookie; the culture then holds on every page.
        await context.AddCookiesAsync([new Cookie { Name = ".AspNetCore.Culture", Value = $"c={culture}|uic={culture}", Url = app.BaseAddress.ToString() }]);
        csp = await CspWatch.AttachAsync(context);
        return context;
    }

    [Theory]
    [InlineData("en")]
    [InlineData("zh-CN")]
    [InlineData("ja")]
    public async Task EveryPage_Axe_NoSeriousOrCriticalViolations_AndNoCspViolation(string language)
    {
        culture = language;
        var email = $"ada.{language.ToLowerInvariant()}@example.com";
        var context = await ContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("dev/marketplace");
        await page.WaitForCircuitAsync();
        await CheckAsync(page, "simulator", "00-simulator");
        await page.Locator("#subscribe").ClickAsync();
        await page.Locator("#setup-account").ClickAsync();
        await page.WaitForURLAsync("**/onboarding");
        await page.WaitForCircuitAsync();
        await CheckAsync(page, "start", "01-start");

        await page.ClickAndWaitForUrlAsync(page.Locator("#start-continue"), "**/onboarding/account");
        await page.WaitForCircuitAsync();
        await CheckAsync(page, "account: sign-in tab", "02-account");
        await page.GetByRole(AriaRole.Tab, new() { Name = Text("Account.RegisterTab") }).ClickAsync();
        await page.Locator("input[name=register-name]").WaitForAsync(new() { Timeout = 30_000 });
        await CheckAsync(page, "account: register tab", "02b-register");
        await page.Locator("input[name=register-name]").FillAsync("Ada Buyer");
        await page.Locator("input[name=register-email]").FillAsync(email);
        await page.Locator("input[name=register-password]").FillAsync("Str0ng!Passw0rd");
        await page.Locator("input[name=register-confirm]").FillAsync("Str0ng!Passw0rd");
        await page.Locator("input[name=register-terms]").CheckAsync();
        await page.ClickAndWaitForUrlAsync(page.Locator("#register-submit"), "**/onboarding/verify-email");
        await page.WaitForCircuitAsync();
        await CheckAsync(page, "verify e-mail", "03-verify-email");
        await WizardSteps.VerifyAsync(page, app, email);

        await page.Locator("#step-submit").ClickAsync(); // the invalid state has its own markup (aria-invalid, alerts)
        await page.Locator(".mud-input-helper-text.mud-input-error").First.WaitForAsync(new() { Timeout = 30_000 });
        await CheckAsync(page, "business (after invalid submit)", "04-business-invalid");
        await page.Locator("input[name=company]").FillAsync("Example Trading Ltd");
        await WizardSteps.PickAsync(page, "role", Text("Choice.Role.Engineering"));
        await WizardSteps.PickAsync(page, "size", Text("Choice.Size.51-200"));
        await WizardSteps.CompleteAsync(page, "country", CountryName("JP"));
        await page.Locator("textarea[name=usecase]").FillAsync("Observability for our shop");
        await CheckAsync(page, "business", "05-business");
        await WizardSteps.NextAsync(page, "/onboarding/enterprise");
        await CheckAsync(page, "enterprise", "06-enterprise");
        await page.Locator("input[name=legal]").FillAsync("Example Trading Ltd.");
        await WizardSteps.PickAsync(page, "industry", Text("Choice.Industry.Retail"));
        await page.Locator("textarea[name=address]").FillAsync("1-2-3 Shibuya, Tokyo");
        await page.Locator("input[name=billingemail]").FillAsync("billing@example.com");
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
        await page.Locator(".portal-facts").First.WaitForAsync(new() { Timeout = 30_000 });
        await CheckAsync(page, "billing", "12-billing");
        var apiKeys = new Uri(page.Url).AbsolutePath.Replace("/billing", "/api-keys");
        var home = new Uri(page.Url).AbsolutePath.Replace("/billing", "");
        // The organization's home, its sections, and "Your account" (with the switcher in the header).
        foreach (var (path, name) in new[] { (home, "organization home"), (home + "/members", "organization members"),
                                             (home + "/workspaces", "organization workspaces"), ("account", "your account") })
        {
            await page.GotoAsync(path.TrimStart('/'));
            await page.WaitForCircuitAsync();
            await page.Locator("h1").First.WaitForAsync(new() { Timeout = 30_000 });
            await CheckAsync(page, name, "14-" + name.Replace(' ', '-'));
        }
        foreach (var (path, name) in new[] { (apiKeys, "api keys"), ("account/security", "account security"), ("does-not-exist", "not found"),
                                             ("dev/mailbox", "mailbox"), ("account/forgot", "forgot password"), ("account/reset?uid=x&token=y", "reset password") })
        {
            await page.GotoAsync(path.TrimStart('/'));
            await page.WaitForCircuitAsync();
            await CheckAsync(page, name, "15-" + name.Replace(' ', '-'));
        }

        foreach (var (outcome, title, name) in new[] { ("Sim.Failure.Invalid", "Landing.InvalidToken.Title", "landing: invalid token"),
                                                       ("Sim.Failure.Expired", "Landing.ExpiredToken.Title", "landing: expired token") })
        {
            var problem = await context.NewPageAsync();
            await problem.GotoAsync("dev/marketplace");
            await problem.WaitForCircuitAsync();
            await WizardSteps.PickAsync(problem, "outcome", Text(outcome));
            await problem.Locator("#subscribe").ClickAsync();
            await problem.Locator("#setup-account").ClickAsync();
            await problem.Locator("h1", new() { HasText = Text(title) }).WaitForAsync(new() { Timeout = 30_000 });
            await CheckAsync(problem, name, outcome == "Sim.Failure.Invalid" ? "13-invalid-token" : "14-expired-token");
        }

        var report = axe.WriteReport($"axe-results-{culture}.md");
        Assert.True(!axe.Blocking.Any(), $"Serious or critical axe violations (see {report}):\n" +
            string.Join("\n", axe.Blocking.Select(b => $"{b.Page}: {b.Violation.Id} {b.Violation.Help} [{string.Join(", ", b.Violation.Targets)}]")));
    }
}
