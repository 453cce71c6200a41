using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>
/// Every page a buyer sees, in zh-CN: no English may come from our UI. Allowed: brand and product names, AWS's own
/// names, configured site and language names, what the buyer typed, e-mail addresses, URLs, numbers and ISO codes.
/// </summary>
public sealed class ChineseTextTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");
    private static readonly string[] Allowed =
    [
        "Testbrand Cloud", "Test Analytics", "Test Enterprise", "AWS Marketplace", "AWS", "Amazon",
        "Overseas 1 (Oregon)", "China 2 (Ningxia)", "English", "日本語", "简体中文",  // configured sites and languages, each in its own language
        "Example Trading Ltd.", "Example Trading Ltd", "Example Trading", "Observability", "Production", "Shibuya", "Tokyo", "Ada Buyer", // typed by the buyer
    ];
    private readonly PortalAppFactory app = new();
    private readonly List<string> found = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    /// <summary>Visible text plus the text a screen reader reads (labels, titles, placeholders), minus what is allowed.</summary>
    private async Task CheckAsync(IPage page, string name)
    {
        await page.Locator("h1").First.WaitForAsync(new() { Timeout = 30_000 });
        await page.ShotAsync("zh-" + name);
        var text = await page.EvaluateAsync<string>("""
            () => {
                // Icon glyphs are aria-hidden, not words anyone reads.
                const hidden = [...document.querySelectorAll('[aria-hidden=true]')];
                let text = document.body.innerText;
                for (const e of hidden) if (e.innerText) text = text.replace(e.innerText, ' ');
                const labelled = [...document.querySelectorAll('[aria-label],[title],[placeholder],img[alt]')].filter(e => !e.closest('[aria-hidden=true]'))
                    .map(e => [e.getAttribute('aria-label'), e.getAttribute('title'), e.getAttribute('placeholder'), e.getAttribute('alt')].join(' '));
                return [document.title, text, ...labelled].join('\n');
            }
            """);
        text = Regex.Replace(text, @"\S+@\S+|https?://\S+", " ");
        foreach (var allowed in Allowed) text = text.Replace(allowed, " ", StringComparison.OrdinalIgnoreCase); // CSS may upper-case
        var words = Regex.Matches(text, @"\b[A-Za-z][A-Za-z'’-]+\b").Select(m => m.Value)
            .Where(w => !Regex.IsMatch(w, "^[A-Z]{2,3}$")) // ISO country, currency and language codes
            .Distinct().ToList();
        if (words.Count == 0) return;
        // Name where each word sits, so the failure says what to fix.
        var where = await page.EvaluateAsync<string[]>("""
            words => words.map(w => { const e = [...document.querySelectorAll('body *')].reverse().find(e => e.outerHTML.includes(w));
                                      return w + ' in ' + (e ? e.outerHTML.slice(0, 160) : '?'); })
            """, words);
        found.Add($"{name}: {string.Join("; ", where)}");
    }

    [Fact]
    public async Task EveryPage_InChinese_ShowsNoEnglishFromTheUi()
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseAddress.ToString(), Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        await page.GotoAsync("dev/marketplace");
        await page.WaitForCircuitAsync();
        await page.Locator("#subscribe").ClickAsync();
        await page.Locator("#setup-account").ClickAsync();
        await page.WaitForURLAsync("**/onboarding");
        await page.WaitForCircuitAsync();
        await CheckAsync(page, "01-start");
        await page.ClickAndWaitForUrlAsync(page.Locator("#start-continue"), "**/onboarding/account");
        await page.WaitForCircuitAsync();
        await CheckAsync(page, "02-account");

        await page.GetByRole(AriaRole.Tab).Nth(1).ClickAsync();
        await page.Locator("#register-submit").ClickAsync(); // the validation messages are UI text too
        await page.Locator(".mud-input-helper-text.mud-input-error").First.WaitForAsync(new() { Timeout = 30_000 });
        await CheckAsync(page, "03-register-invalid");
        await page.Locator("input[name=register-name]").FillAsync("Ada Buyer");
        await page.Locator("input[name=register-email]").FillAsync("ada@example.com");
        await page.Locator("input[name=register-password]").FillAsync("Str0ng!Passw0rd");
        await page.Locator("input[name=register-confirm]").FillAsync("Str0ng!Passw0rd");
        await page.Locator("input[name=register-terms]").ClickAsync();
        await page.ClickAndWaitForUrlAsync(page.Locator("#register-submit"), "**/onboarding/verify-email");
        await page.WaitForCircuitAsync();
        await CheckAsync(page, "04-verify-email");
        await WizardSteps.VerifyAsync(page, app, "ada@example.com");

        await page.Locator("#step-submit").ClickAsync();
        await page.Locator(".mud-input-helper-text.mud-input-error").First.WaitForAsync(new() { Timeout = 30_000 });
        await CheckAsync(page, "05-business-invalid");
        await page.Locator("input[name=company]").FillAsync("Example Trading Ltd");
        foreach (var name in new[] { "role", "size", "country" }) await WizardSteps.PickFirstAsync(page, name);
        await page.Locator("textarea[name=usecase]").FillAsync("Observability");
        await CheckAsync(page, "06-business");
        await WizardSteps.NextAsync(page, "/onboarding/enterprise");
        await CheckAsync(page, "07-enterprise");
        await page.Locator("input[name=legal]").FillAsync("Example Trading Ltd.");
        await WizardSteps.PickFirstAsync(page, "industry");
        await page.Locator("textarea[name=address]").FillAsync("Shibuya Tokyo");
        await page.Locator("input[name=billingemail]").FillAsync("billing@example.com");
        await WizardSteps.NextAsync(page, "/onboarding/site");
        await CheckAsync(page, "08-site");
        await WizardSteps.ChooseSiteAsync(page);
        await WizardSteps.NextAsync(page, "/onboarding/organization");
        await CheckAsync(page, "09-organization");
        await WizardSteps.NameOrganizationAsync(page);
        await WizardSteps.NextAsync(page, "/onboarding/workspace");
        await CheckAsync(page, "10-workspace");
        await page.Locator("input[name=ws-name]").FillAsync("Production");
        await WizardSteps.NextAsync(page, "/onboarding/review");
        await CheckAsync(page, "11-review");
        await WizardSteps.NextAsync(page, "/onboarding/linked");
        await CheckAsync(page, "12-linked");
        await page.Locator("#go-billing").ClickAsync();
        await page.WaitForURLAsync("**/billing");
        await page.Locator("#go-billing").WaitForAsync(new() { State = WaitForSelectorState.Detached }); // the linked page has gone
        await page.Locator("dl").First.WaitForAsync(new() { Timeout = 30_000 });
        await CheckAsync(page, "13-billing");

        await using (var db = app.CreateDbContext())
        {
            var linkedAt = (await db.Subscriptions.SingleAsync()).LinkedAt!.Value;
            Assert.Contains(linkedAt.ToLocalTime().ToString("D", Chinese), await page.Locator("main").InnerTextAsync());
        }
        foreach (var (path, name) in new[] { ("account/security", "16-account-security"), ("account/forgot", "17-forgot-password"), ("account/reset?uid=x&token=y", "18-reset-password") })
        {
            await page.GotoAsync(path);
            await page.WaitForCircuitAsync();
            await CheckAsync(page, name);
        }

        foreach (var (outcome, name) in new[] { ("Invalid", "14-invalid-token"), ("Expired", "15-expired-token") })
        {
            var problem = await context.NewPageAsync();
            await problem.GotoAsync("dev/marketplace");
            await problem.WaitForCircuitAsync();
            await problem.Locator(".mud-select:has(input[name=outcome]) .mud-input-control").First.ClickAsync(); // the simulator is on MudBlazor
            await problem.GetByRole(AriaRole.Option).Nth(outcome == "Invalid" ? 2 : 1).ClickAsync();
            await problem.Locator("#subscribe").ClickAsync();
            await problem.Locator("#setup-account").ClickAsync();
            await problem.WaitForURLAsync(u => !u.Contains("/dev/"));
            await CheckAsync(problem, name);
        }

        Assert.True(found.Count == 0, "English UI text in zh-CN (move it to the resx files):\n" + string.Join("\n", found));
    }
}
