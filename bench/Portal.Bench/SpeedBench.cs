using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Marketplace.Simulator;

namespace Portal.Bench;

/// <summary>
/// (f) What a buyer waits for in Chromium on loopback: from the landing's POST (the form AWS's page submits) to the
/// first wizard step interactive — circuit up and its first control (input or button) focusable — beside a bare Blazor page measured
/// the same way in the same run, each arrival in a new browser context (nothing cached, as for a buyer coming
/// from AWS); and the JS + CSS bytes that first page downloads, as sent on the wire (compressed where the server
/// compresses).
/// </summary>
public static class SpeedBench
{
    public static async Task<List<(string, string)>> ArrivalAsync(string? postgres, int arrivals, string repoRoot)
    {
        await using var portal = new BenchPortal(new Dictionary<string, string?> { ["Metering:Enabled"] = "false" }, postgres);
        portal.StartServer();
        var baseUrl = portal.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1");
        var tokens = portal.Services.GetRequiredService<SimulatorTokens>();
        await using var bare = new BareApp();
        var bareUrl = bare.BaseUrl;

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(BenchBrowser.Options);
        var account = 700_000_000_000L;
        var wizard = new List<double>();
        var baseline = new List<double>();
        long wizardBytes = 0, bareBytes = 0;
        // Two warm-up rounds are not counted (JIT, first circuit, caches); the rounds alternate, so load hits both alike.
        for (var i = -2; i < arrivals; i++)
        {
            var token = tokens.Mint(BenchPortal.Product, SimulatedOffer.Payg, (account++).ToString());
            var (w, wb) = await ArriveAsync(browser,
                page => page.SetContentAsync($"<form method=post action=\"{baseUrl}/marketplace/landing\"><input type=hidden name=x-amzn-marketplace-token value=\"{token}\"></form>"),
                page => page.EvaluateAsync("() => document.forms[0].submit()"));
            var (b, bb) = await ArriveAsync(browser, _ => Task.CompletedTask,
                page => page.GotoAsync(bareUrl + "/", new() { WaitUntil = WaitUntilState.Commit }));
            if (i < 0) continue;
            wizard.Add(w);
            baseline.Add(b);
            wizardBytes = wb;
            bareBytes = bb;
        }
        // What a buyer downloads comes from the published build (the unpublished one serves package assets without
        // real compression): the same pages' JS + CSS from the ReadyToRun publish, Chromium's own Accept-Encoding.
        var publish = await StartupBench.PublishAsync(repoRoot);
        var (published, publishedUrl) = await StartupBench.StartPublishedAsync(publish, repoRoot);
        long publishedBytes;
        try { (_, publishedBytes) = await ArriveAsync(browser, _ => Task.CompletedTask, page => page.GotoAsync(publishedUrl + "/account/signin", new() { WaitUntil = WaitUntilState.Commit })); }
        finally { published.Kill(entireProcessTree: true); await published.WaitForExitAsync(); }

        wizard.Sort();
        baseline.Sort();
        double P(List<double> t, double q) => t[Math.Min(t.Count - 1, (int)(t.Count * q))];
        return
        [
            ($"(f) landing POST → first step interactive, {arrivals} arrivals: bare Blazor page / wizard",
                $"p50 {P(baseline, .5):F0} / {P(wizard, .5):F0} ms, p95 {P(baseline, .95):F0} / {P(wizard, .95):F0} ms"),
            ("(f) wizard / bare, p50 and p95 (target ≤ 1.5×)", $"{P(wizard, .5) / P(baseline, .5):F2}× and {P(wizard, .95) / P(baseline, .95):F2}×"),
            ("(f) JS + CSS the first page downloads, on the wire, published build: bare (unpublished) / portal (target ≤ 250 KB)", $"{bareBytes / 1024.0:N0} KB / {publishedBytes / 1024.0:N0} KB (unpublished build: {wizardBytes / 1024.0:N0} KB)"),
        ];
    }

    /// <summary>In a new context, times <paramref name="go"/> until the circuit is up and the first input takes focus.</summary>
    private static async Task<(double Ms, long Bytes)> ArriveAsync(IBrowser browser, Func<IPage, Task> prepare, Func<IPage, Task> go)
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var assets = new List<IRequest>();
        page.RequestFinished += (_, r) => { if (r.ResourceType is "script" or "stylesheet") lock (assets) assets.Add(r); };
        await prepare(page);
        var clock = Stopwatch.StartNew();
        await go(page);
        await page.WaitForFunctionAsync("""
            () => {
              if (!document.querySelector('[data-circuit=on]')) return false;
              const input = document.querySelector('main input:not([type=hidden]):not([disabled]), main textarea, main button:not([disabled])');
              if (!input) return false;
              input.focus();
              return document.activeElement === input;
            }
            """, null, new() { Timeout = 60_000, PollingInterval = 5 });
        var ms = clock.Elapsed.TotalMilliseconds;
        long bytes = 0;
        foreach (var r in assets.ToArray()) bytes += (await r.SizesAsync()).ResponseBodySize;
        return (ms, bytes);
    }
}
