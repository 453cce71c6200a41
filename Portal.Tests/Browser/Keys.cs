using Microsoft.Playwright;

namespace Portal.Tests.Browser;

/// <summary>Moves and acts with the keyboard only, the way someone without a mouse uses the portal.</summary>
public static class Keys
{
    private const string FocusDescription = "() => { const f = document.activeElement; return f ? f.outerHTML.slice(0, 200) : '(none)'; }";

    /// <summary>Presses Tab (or Shift+Tab) until focus is inside <paramref name="selector"/>; fails if it never gets there.</summary>
    public static async Task TabToAsync(IPage page, string selector, bool backwards = false, int max = 60)
    {
        for (var i = 0; i <= max; i++)
        {
            if (await page.EvaluateAsync<bool>("s => !!document.activeElement?.closest(s)", selector)) return;
            await page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
        }
        throw new Xunit.Sdk.XunitException($"Tab never reached {selector}; focus is on {await page.EvaluateAsync<string>(FocusDescription)}");
    }

    public static async Task TypeIntoAsync(IPage page, string selector, string text)
    {
        await TabToAsync(page, selector);
        await page.Keyboard.TypeAsync(text);
    }

    /// <summary>
    /// Chooses in a MudSelect with the keyboard: ArrowDown opens the list and then moves the selection (the field shows
    /// each option as it passes), Enter closes the list. The select's read-only input carries the name and the text.
    /// </summary>
    public static async Task ChooseAsync(IPage page, string name, string option, string key = "ArrowDown", int max = 40)
    {
        var selector = $"input[name={name}]";
        await TabToAsync(page, selector);
        var input = page.Locator(selector);
        async Task<bool> OpenAsync() => await input.GetAttributeAsync("aria-expanded") == "true";
        if (!await OpenAsync()) await page.Keyboard.PressAsync("ArrowDown");
        for (var w = 0; w < 40 && !await OpenAsync(); w++) await page.WaitForTimeoutAsync(50);
        for (var i = 0; i < max; i++)
        {
            var shown = (await input.InputValueAsync()).Trim();
            if (shown == option)
            {
                // Enter only while the list is open: on a closed select it would submit the form.
                if (await OpenAsync()) await page.Keyboard.PressAsync("Enter");
                for (var w = 0; w < 40 && await OpenAsync(); w++) await page.WaitForTimeoutAsync(50);
                return;
            }
            await page.Keyboard.PressAsync(key);
            // The selection comes back from the circuit: wait for it to change before the next key, or a loaded machine
            // queues presses and overshoots (bounded; no assertion depends on the wait).
            for (var w = 0; w < 40 && (await input.InputValueAsync()).Trim() == shown; w++) await page.WaitForTimeoutAsync(50);
        }
        throw new Xunit.Sdk.XunitException($"{key} never chose {option} in {name}; it shows {await input.InputValueAsync()}");
    }

    /// <summary>
    /// Types into a MudAutocomplete and takes its first suggestion with Enter once the list offers <paramref name="option"/>.
    /// </summary>
    public static async Task CompleteAsync(IPage page, string name, string option)
    {
        var selector = $"input[name={name}]";
        await TabToAsync(page, selector);
        // At a person's pace. On a loaded machine the first keys can still be lost while the field re-renders as it
        // takes focus ("Japan" arrived as "pan"): then the buyer clears the field and types again, as a person would.
        for (var attempt = 1; ; attempt++)
        {
            await page.Keyboard.TypeAsync(option, new() { Delay = 120 });
            // Enter takes the highlighted (first) option: wait until the search for the typed text has filtered the
            // list, not merely until the option is somewhere in it (the unfiltered list holds it too).
            try
            {
                await Assertions.Expect(page.GetByRole(AriaRole.Option).First).ToHaveTextAsync(option, new() { Timeout = 15_000 });
                break;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
                await page.Keyboard.PressAsync("Control+A");
                await page.Keyboard.PressAsync("Backspace");
            }
        }
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator(selector)).ToHaveValueAsync(option, new() { Timeout = 15_000 });
    }

    /// <summary>
    /// Tabs to the button and presses Enter, then waits for the next page. Like ClickAndWaitForUrlAsync, a key press
    /// that lands while a loaded machine's circuit swaps the button is repeated (a second submit of a taken step is ignored).
    /// </summary>
    public static async Task SubmitAsync(IPage page, string selector, string urlGlob)
    {
        for (var attempt = 1; ; attempt++)
        {
            await TabToAsync(page, selector);
            await page.Keyboard.PressAsync("Enter");
            try
            {
                await page.WaitForURLAsync(urlGlob, new() { Timeout = 15_000 });
                break;
            }
            catch (TimeoutException) when (attempt < 3)
            {
                // The button is gone: the press was taken and the next page is still loading on a busy machine.
                if (!await page.Locator(selector).IsVisibleAsync())
                {
                    await page.WaitForURLAsync(urlGlob, new() { Timeout = 30_000 });
                    break;
                }
            }
        }
        await page.Locator("h1").First.WaitForAsync(new() { Timeout = 30_000 });
        await page.WaitForCircuitAsync();
    }
}
