using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Portal.Bench.Crash;

/// <summary>The driver's MudBlazor inputs, and what the watchdog reads from (and does to) the buyers still running.</summary>
public sealed partial class BuyerDriver
{
    /// <summary>What a buyer would read as the page's verdict: alerts, field errors, Blazor's error bar.</summary>
    private const string AlertSelector =
        ".mud-alert:visible, .mud-input-helper-text.mud-input-error:visible, #blazor-error-ui:visible, .portal-error:visible, .mud-snackbar:visible";

    private readonly ConcurrentDictionary<int, IBrowserContext> contexts = new();

    /// <summary>Set by <see cref="StopAsync"/>: no buyer starts or takes another step.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Picks in a MudSelect (its read-only input carries the name and shows the choice), checking it took.</summary>
    private static async Task PickAsync(IPage page, string name, string option)
    {
        var input = page.Locator($"input[name={name}]");
        for (var attempt = 1; ; attempt++)
        {
            await input.ClickAsync();
            await page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
            try
            {
                await Assertions.Expect(input).ToHaveValueAsync(option, new() { Timeout = 10_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 3) { }
        }
    }

    /// <summary>Types into a MudAutocomplete and clicks the option it offers.</summary>
    private static async Task CompleteAsync(IPage page, string name, string option)
    {
        var input = page.Locator($"input[name={name}]");
        await input.FillAsync(option);
        await page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
        await Assertions.Expect(input).ToHaveValueAsync(option, new() { Timeout = 10_000 });
    }

    /// <summary>
    /// What a running buyer's page shows right now: its path, heading, circuit state, alerts and the start of its text.
    /// Bounded: a page that does not answer within a few seconds is reported as such.
    /// </summary>
    public static async Task<string> DescribeAsync(CrashOnboarding o)
    {
        // The driver may be swapping the page for a fresh one (after a kill): read the new one then.
        var described = "no page yet (landing)";
        for (var attempt = 0; attempt < 3 && o.Page is { } page; attempt++)
        {
            described = await DescribeAsync(page);
            if (!described.StartsWith("page unreadable", StringComparison.Ordinal)) break;
            await Task.Delay(1_000);
        }
        return described;
    }

    private static async Task<string> DescribeAsync(IPage page)
    {
        try
        {
            var read = Task.Run(async () =>
            {
                var h1 = await page.Locator("h1").AllInnerTextsAsync();
                var alerts = await page.Locator(AlertSelector).AllInnerTextsAsync();
                var circuit = await page.Locator("[data-circuit=on]").CountAsync() > 0 ? "on" : "off";
                var body = (await page.Locator("main").AllInnerTextsAsync()).FirstOrDefault() ?? "";
                string Flat(IEnumerable<string> t) => string.Join(" | ", t.Select(x => x.ReplaceLineEndings(" ").Trim()).Where(x => x.Length > 0));
                var text = Flat([body]);
                return $"page {new Uri(page.Url).AbsolutePath}, h1 \"{Flat(h1)}\", circuit {circuit}, " +
                       (alerts.Count > 0 ? $"says: {Flat(alerts)}" : "no alert") + $"; text: {(text.Length > 300 ? text[..300] + "…" : text)}";
            });
            return await read.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            return $"page unreadable ({e.GetType().Name})";
        }
    }

    /// <summary>
    /// A step that did not move while the portal stayed up: what the buyer would see (alerts, Blazor's error bar), and
    /// with --keep a screenshot, so a stuck session can be explained instead of guessed at.
    /// </summary>
    private async Task<string> WhatThePageSaysAsync(IPage page, CrashOnboarding o, int stall)
    {
        try
        {
            var said = await page.Locator(AlertSelector).AllInnerTextsAsync();
            if (evidence is not null)
                await page.ScreenshotAsync(new() { Path = Path.Combine(evidence, $"stall-{o.Index:D3}-{stall}.png"), FullPage = true, Timeout = 5_000 });
            var text = string.Join(" | ", said.Select(t => t.ReplaceLineEndings(" ").Trim()).Where(t => t.Length > 0));
            return $" [{DateTime.UtcNow:HH:mm:ss}, page {new Uri(page.Url).AbsolutePath}, circuit {(await page.Locator("[data-circuit=on]").CountAsync() > 0 ? "on" : "off")}" +
                   (text.Length > 0 ? $", says: {text}" : ", no alert") + "]";
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            return " [page unreadable]";
        }
    }

    /// <summary>Stops every buyer: their browser contexts close, so whatever they wait for ends now.</summary>
    public async Task StopAsync()
    {
        Stopped = true;
        foreach (var context in contexts.Values)
        {
            try { await context.CloseAsync().WaitAsync(TimeSpan.FromSeconds(10)); }
            catch (Exception e) when (e is PlaywrightException or TimeoutException) { }
        }
    }
}
