using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Marketplace.Simulator;
using Portal.Onboarding;

namespace Portal.Bench;

/// <summary>
/// (b) Managed heap per live wizard circuit with 40 Chromium tabs open on the wizard, beside a bare Blazor page
/// measured the same way in the same process (the Playwright client's own objects count on both sides), and (c) the server time of a
/// wizard step transition as the step pages do it (read the guards' context, save answers and step in one write).
/// </summary>
public static class CircuitBench
{
    public static async Task<List<(string, string)>> RunAsync(string? postgres, int tabs)
    {
        // Idle HTTP/1.1 connections (Chromium keeps up to six per page's assets) close after 5 s on both sides, so the
        // second figure is the circuits' own memory; Kestrel's default keeps them 130 s.
        await using var portal = new BenchPortal(new Dictionary<string, string?> { ["Metering:Enabled"] = "false", [KeepAlive] = "00:00:05" }, postgres);
        portal.StartServer();
        var baseUrl = portal.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1");
        var tokens = portal.Services.GetRequiredService<SimulatorTokens>();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(BenchBrowser.Options);
        var account = 800_000_000_000L;
        async Task OpenWizardAsync()
        {
            var context = await browser.NewContextAsync(new() { BaseURL = baseUrl });
            var token = tokens.Mint(BenchPortal.Product, SimulatedOffer.Payg, (account++).ToString());
            await context.APIRequest.PostAsync("/marketplace/landing", new() { Form = context.APIRequest.CreateFormData().Set("x-amzn-marketplace-token", token), MaxRedirects = 0 });
            var page = await context.NewPageAsync();
            await page.GotoAsync("/onboarding");
            await page.Locator("[data-circuit=on]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        }
        var (wizardOpen, wizard) = await PerCircuitAsync(tabs, OpenWizardAsync);

        // The baseline: the same Chromium and the same count of tabs on a bare Blazor Server page, in this process.
        await using var bare = new BareApp(keepAlive: TimeSpan.FromSeconds(5));
        var bareUrl = bare.BaseUrl;
        async Task OpenBareAsync()
        {
            var page = await (await browser.NewContextAsync(new() { BaseURL = bareUrl })).NewPageAsync();
            await page.GotoAsync("/");
            await page.Locator("[data-circuit=on]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        }
        var (baselineOpen, baseline) = await PerCircuitAsync(tabs, OpenBareAsync);

        var (p50, p95, n) = await StepTimesAsync(portal);
        return
        [
            ($"(b) managed heap per tab, {tabs} Chromium tabs, with their idle HTTP connections: bare Blazor page / wizard", $"{baselineOpen / 1024.0:N0} KB / {wizardOpen / 1024.0:N0} KB ({wizardOpen / (double)baselineOpen:F2}×)"),
            ($"(b) managed heap per live circuit (idle connections closed): bare Blazor page / wizard", $"{baseline / 1024.0:N0} KB / {wizard / 1024.0:N0} KB"),
            ("(b) wizard circuit / bare circuit (target ≤ 2×)", $"{wizard / (double)baseline:F2}×"),
            ("(c) wizard step transition server time (target p95 ≤ 20 ms)", $"p50 {p50:F2} ms, p95 {p95:F2} ms over {n:N0} transitions"),
        ];
    }

    /// <summary>Managed heap per tab: 10 warm-up tabs (code paths, caches, pools, the hub) stay open, then <paramref name="tabs"/> more.</summary>
    private static async Task<(long WithConnections, long Circuits)> PerCircuitAsync(int tabs, Func<Task> open)
    {
        for (var i = 0; i < 10; i++) await open();
        await Task.Delay(Settle);
        var before = ServerBytes();
        for (var i = 0; i < tabs; i++) await open();
        await Task.Delay(1000);
        var withConnections = (ServerBytes() - before) / tabs;
        await Task.Delay(Settle);
        return (withConnections, (ServerBytes() - before) / tabs);
    }

    public const string KeepAlive = "Kestrel:Limits:KeepAliveTimeout";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(8);

    /// <summary>Managed heap after a full, compacting collection: what the circuits keep alive.</summary>
    private static long ServerBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>
    /// 200 sessions walked Landing → Review through the service calls the step pages make (ContextAsync, then
    /// SubmitAsync/FireAsync); no password hashing (the user is created beforehand), no rendering.
    /// </summary>
    private static async Task<(double P50, double P95, int Count)> StepTimesAsync(BenchPortal portal)
    {
        var tokens = portal.Services.GetRequiredService<SimulatorTokens>();
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        var baseUrl = portal.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1");
        var times = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            var token = tokens.Mint(BenchPortal.Product, SimulatedOffer.Payg, (900_000_000_000L + i).ToString());
            await http.PostAsync(baseUrl + "/marketplace/landing", new FormUrlEncodedContent([new("x-amzn-marketplace-token", token)]));
            using var scope = portal.Services.CreateScope();
            var sessions = scope.ServiceProvider.GetRequiredService<OnboardingSessions>();
            await using var db = portal.Db();
            var id = Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AsNoTracking(db.OnboardingSessions)
                .OrderByDescending(s => s.CreatedAt).Select(s => s.Id).First();
            // A new, verified buyer (no password: hashing is not part of a step transition).
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Portal.Accounts.ApplicationUser>>();
            var user = new Portal.Accounts.ApplicationUser { UserName = $"bench{i}@example.com", Email = $"bench{i}@example.com", EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
            await users.CreateAsync(user);
            var userId = user.Id;
            await sessions.BindUserAsync(id, userId);
            (OnboardingTrigger Trigger, Action<OnboardingData>? Answer)[] steps =
            [
                (OnboardingTrigger.Continue, null),
                (OnboardingTrigger.SubmitBusinessInfo, d => d.Business = new BusinessInfoModel { CompanyName = "Bench Co", Role = "Engineering", CompanySize = "11-50", Country = "US", UseCase = "Load" }),
                (OnboardingTrigger.SubmitEnterpriseInfo, d => d.Enterprise = new EnterpriseInfoModel { LegalEntityName = "Bench Co Ltd", Industry = "Retail", Address = "1 Main St", BillingEmail = "b@example.com" }),
                (OnboardingTrigger.ChooseSite, d => d.SiteId = "us-west-2"),
                (OnboardingTrigger.ChooseNewOrganization, d => d.Organization = new OrganizationChoice { Mode = ChoiceMode.New, Name = $"Bench {i}" }),
                (OnboardingTrigger.CreateWorkspace, d => d.Workspace = new WorkspaceChoice { Mode = ChoiceMode.New, Name = "Prod", Language = "en" }),
            ];
            foreach (var (trigger, answer) in steps)
            {
                var clock = Stopwatch.StartNew();
                var session = (await sessions.FindAsync(id))!;
                var context = await sessions.ContextAsync(session, userId);
                try
                {
                    if (answer is null) await sessions.FireAsync(session, trigger, context);
                    else await sessions.SubmitAsync(session, trigger, context, answer);
                }
                catch (OnboardingTransitionException) { break; } // a step this configuration skips
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        times.Sort();
        return (times[times.Count / 2], times[(int)(times.Count * 0.95)], times.Count);
    }
}
