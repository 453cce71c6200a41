using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Marketplace.Simulator;
using Portal.Onboarding;

namespace Portal.Bench;

/// <summary>
/// (g) Click → next step rendered, in Chromium on loopback: buyers register and verify through the pages, their
/// answers for the later steps are stored beforehand (typing is not part of a transition), and each click on the
/// step's Continue is timed in the page until the next step's heading is on screen. Beside it the bare Blazor page's
/// click → next page, measured the same way.
/// </summary>
public static class TransitionBench
{
    // Timed in the page: from the click until the DOM holds the next step's heading (a MutationObserver sees Blazor
    // apply the render batch; polling by animation frame would add up to two frames, ~33 ms, to every figure).
    private const string Measure = """
        async () => {
          const before = document.querySelector('h1')?.textContent;
          return await new Promise((resolve, reject) => {
            let t0;
            const done = () => { const h1 = document.querySelector('h1'); return h1 && h1.textContent !== before; };
            const observer = new MutationObserver(() => { if (done()) { observer.disconnect(); clearTimeout(give); resolve(performance.now() - t0); } });
            const give = setTimeout(() => { observer.disconnect(); reject(new Error('no next step within 30 s: ' + document.querySelector('main')?.innerText)); }, 30000);
            observer.observe(document.body, { subtree: true, childList: true, characterData: true });
            t0 = performance.now();
            document.querySelector('#step-submit').click();
          });
        }
        """;

    public static async Task<List<(string, string)>> RunAsync(string? postgres, int buyers)
    {
        await using var portal = new BenchPortal(new Dictionary<string, string?> { ["Metering:Enabled"] = "false" }, postgres);
        portal.StartServer();
        var baseUrl = portal.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1");
        var tokens = portal.Services.GetRequiredService<SimulatorTokens>();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(BenchBrowser.Options);

        var wizard = new List<double>();
        for (var i = 0; i < buyers + 1; i++) // the first buyer warms up and is not counted
        {
            await using var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, Locale = "en-US" });
            var email = $"g{i}@example.com";
            var token = tokens.Mint(BenchPortal.Product, SimulatedOffer.Payg, (600_000_000_000L + i).ToString());
            await context.APIRequest.PostAsync("/marketplace/landing", new() { Form = context.APIRequest.CreateFormData().Set("x-amzn-marketplace-token", token), MaxRedirects = 0 });
            var page = await context.NewPageAsync();
            await page.GotoAsync("/onboarding");
            await Circuit(page);
            await ClickUntilAsync(page, "#start-continue", "**/onboarding/account");
            await Circuit(page);
            await page.GetByRole(AriaRole.Tab, new() { Name = "Create account" }).ClickAsync();
            await page.Locator("input[name=register-name]").FillAsync("Grace Buyer");
            await page.Locator("input[name=register-email]").FillAsync(email);
            await page.Locator("input[name=register-password]").FillAsync("Str0ng!Passw0rd");
            await page.Locator("input[name=register-confirm]").FillAsync("Str0ng!Passw0rd");
            await page.Locator("input[name=register-terms]").CheckAsync();
            await ClickUntilAsync(page, "#register-submit", "**/onboarding/verify-email");
            await Circuit(page);
            await StoreAnswersAsync(portal, email);
            await page.Locator("input[name=verify-code]").FillAsync(await CodeAsync(portal, email));
            await ClickUntilAsync(page, "#verify-submit", "**/onboarding/business");
            await Circuit(page);
            for (var step = 0; step < 5; step++)
            {
                await Assertions.Expect(page.Locator("#step-submit")).ToBeEnabledAsync(new() { Timeout = 30_000 });
                // A new organization starts its workspace answers afresh: type the name as the buyer would (not timed).
                var workspace = page.Locator("input[name=ws-name]");
                if (await workspace.CountAsync() > 0 && await workspace.InputValueAsync() == "") await workspace.FillAsync("Prod");
                var ms = await page.EvaluateAsync<double>(Measure);
                await Circuit(page);
                if (i > 0) wizard.Add(ms);
            }
        }

        await using var bare = new BareApp();
        var bareUrl = bare.BaseUrl;
        var baseline = new List<double>();
        var barePage = await (await browser.NewContextAsync(new() { BaseURL = bareUrl })).NewPageAsync();
        await barePage.GotoAsync("/");
        await Circuit(barePage);
        for (var i = 0; i < wizard.Count + 5; i++)
        {
            var ms = await barePage.EvaluateAsync<double>(Measure);
            if (i >= 5) baseline.Add(ms);
        }

        wizard.Sort();
        baseline.Sort();
        double P(List<double> t, double q) => t[Math.Min(t.Count - 1, (int)(t.Count * q))];
        return
        [
            ($"(g) click → next step rendered, {wizard.Count} transitions: bare Blazor page / wizard (target p95 ≤ 50 ms)",
                $"p50 {P(baseline, .5):F1} / {P(wizard, .5):F1} ms, p95 {P(baseline, .95):F1} / {P(wizard, .95):F1} ms"),
        ];
    }

    /// <summary>A click can land while the circuit swaps the prerendered button for the live one: click again, at most 3 times.</summary>
    private static async Task ClickUntilAsync(IPage page, string button, string url)
    {
        var path = url.TrimStart('*');
        for (var attempt = 1; ; attempt++)
        {
            await page.Locator(button).ClickAsync();
            try { await page.WaitForURLAsync(url, new() { Timeout = 15_000, WaitUntil = WaitUntilState.Commit }); return; }
            catch (TimeoutException) when (attempt < 3)
            {
                if (new Uri(page.Url).AbsolutePath.EndsWith(path, StringComparison.Ordinal)) return; // it did move
            }
        }
    }

    private static Task Circuit(IPage page) =>
        page.Locator("[data-circuit=on]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });

    /// <summary>The answers of business → workspace, stored as a buyer who typed them would have (unsubmitted).</summary>
    private static async Task StoreAnswersAsync(BenchPortal portal, string email)
    {
        using var scope = portal.Services.CreateScope();
        var sessions = scope.ServiceProvider.GetRequiredService<OnboardingSessions>();
        await using var db = portal.Db();
        var id = await db.OnboardingSessions.AsNoTracking().OrderByDescending(s => s.CreatedAt).Select(s => s.Id).FirstAsync();
        var session = (await sessions.FindAsync(id))!;
        await sessions.KeepAnswersAsync(session, d =>
        {
            d.Business = new BusinessInfoModel { CompanyName = "Bench Co", Role = "Engineering", CompanySize = "11-50", Country = "US", Phone = "+1 206 555 0100", UseCase = "Load" };
            d.Enterprise = new EnterpriseInfoModel { LegalEntityName = "Bench Co Ltd", Industry = "Retail", Address = "1 Main St", BillingEmail = "b@example.com" };
            d.SiteId = "us-west-2";
            d.Organization = new OrganizationChoice { Mode = ChoiceMode.New, Name = "Bench " + email };
            d.Workspace = new WorkspaceChoice { Mode = ChoiceMode.New, Name = "Prod", Language = "en" };
        });
    }

    private static async Task<string> CodeAsync(BenchPortal portal, string email)
    {
        await using var db = portal.Db();
        var mail = await db.EmailMessages.Where(m => m.To == email).OrderByDescending(m => m.CreatedAt).FirstAsync();
        return Regex.Match(mail.TextBody, @"\b\d{6}\b").Value;
    }
}
