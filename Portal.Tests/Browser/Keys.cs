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
    /// Chooses in a Radzen dropdown without opening it: ArrowDown (or a type-ahead letter) changes the selection
    /// while the dropdown has focus, as in a native select.
    /// </summary>
    public static async Task ChooseAsync(IPage page, string name, string option, string key = "ArrowDown", int max = 40)
    {
        var dropdown = $".rz-dropdown:has(input[name={name}])";
        await TabToAsync(page, dropdown);
        var label = page.Locator($"{dropdown} .rz-dropdown-label");
        for (var i = 0; i < max; i++)
        {
            var shown = (await label.InnerTextAsync()).Trim();
            if (shown == option) return;
            await page.Keyboard.PressAsync(key);
            // The selection comes back from the circuit: wait for it to change before the next key, or a loaded machine
            // queues presses and overshoots (bounded; no assertion depends on the wait).
            for (var w = 0; w < 40 && (await label.InnerTextAsync()).Trim() == shown; w++) await page.WaitForTimeoutAsync(50);
        }
        throw new Xunit.Sdk.XunitException($"{key} never chose {option} in {name}; it shows {await label.InnerTextAsync()}");
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
        await page.Locator("h1").First.WaitForAsync();
        await page.WaitForCircuitAsync();
    }
}
