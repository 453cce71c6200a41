using Microsoft.Playwright;

namespace Portal.Tests.Browser;

/// <summary>The wizard pages after e-mail verification, answered with the mouse the way a buyer usually does.</summary>
public static class WizardSteps
{
    /// <summary>
    /// Picks an option and waits until the dropdown shows it: on a loaded machine a click can land while the circuit
    /// re-renders the popup and be lost, and the next action would then run with the old value. Tried up to three times.
    /// </summary>
    public static async Task PickAsync(IPage page, string name, string option)
    {
        // A MudSelect: its read-only input carries the name and shows the chosen option's text.
        var dropdown = page.Locator($"input[name={name}]");
        for (var attempt = 1; ; attempt++)
        {
            await dropdown.ClickAsync();
            await page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
            try
            {
                await Assertions.Expect(dropdown).ToHaveValueAsync(option, new() { Timeout = 15_000 });
                await ListClosedAsync(page, dropdown);
                return;
            }
            catch (PlaywrightException) when (attempt < 3) { }
        }
    }

    /// <summary>Picks whatever comes first (the option names depend on the language), the same way as <see cref="PickAsync"/>.</summary>
    public static async Task PickFirstAsync(IPage page, string name)
    {
        // A MudSelect opens on a click; the country MudAutocomplete offers every country on a click too.
        var input = page.Locator($"input[name={name}]");
        for (var attempt = 1; ; attempt++)
        {
            await input.ClickAsync();
            await page.GetByRole(AriaRole.Option).First.ClickAsync();
            try
            {
                await Assertions.Expect(input).Not.ToHaveValueAsync("", new() { Timeout = 10_000 });
                await ListClosedAsync(page, input);
                return;
            }
            catch (PlaywrightException) when (attempt < 3) { }
        }
    }

    /// <summary>
    /// Waits until no option list is open. The autocomplete searches on focus and again on the click that follows;
    /// on a loaded machine the second search can finish after the pick and open the list again, and its overlay then
    /// takes the next click (Playwright waits on the covered button until it times out). Escape closes it and keeps
    /// the value, as it does for a person.
    /// </summary>
    public static async Task ListClosedAsync(IPage page, ILocator input)
    {
        var open = page.Locator(".mud-popover-open");
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                await Assertions.Expect(open).ToHaveCountAsync(0, new() { Timeout = 3_000 });
                return;
            }
            catch (PlaywrightException) { await input.PressAsync("Escape"); }
        }
        await Assertions.Expect(open).ToHaveCountAsync(0, new() { Timeout = 5_000 });
    }

    /// <summary>Types into a MudAutocomplete and clicks the option it offers, then waits until the field shows it.</summary>
    public static async Task CompleteAsync(IPage page, string name, string option)
    {
        var input = page.Locator($"input[name={name}]");
        for (var attempt = 1; ; attempt++)
        {
            await input.FillAsync(option);
            await page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
            try
            {
                await Assertions.Expect(input).ToHaveValueAsync(option, new() { Timeout = 15_000 });
                await ListClosedAsync(page, input);
                return;
            }
            catch (PlaywrightException) when (attempt < 3) { }
        }
    }

    /// <summary>Submits the step and waits for the next one (retrying a click lost while the circuit swaps the button).</summary>
    public static async Task NextAsync(IPage page, string path)
    {
        await page.ClickAndWaitForUrlAsync(page.Locator("#step-submit"), "**" + path);
        await page.Locator("h1").WaitForAsync(new() { Timeout = 30_000 });
        await page.WaitForCircuitAsync();
    }

    public static async Task VerifyAsync(IPage page, Infrastructure.PortalAppFactory app, string email)
    {
        await page.Locator("input[name=verify-code]").FillAsync(await BuyerSteps.LatestCodeAsync(app, email));
        await page.ClickAndWaitForUrlAsync(page.Locator("#verify-submit"), "**/onboarding/business");
        await page.WaitForCircuitAsync();
    }

    public static async Task FillBusinessAsync(IPage page)
    {
        await page.Locator("input[name=company]").FillAsync("Example Trading Ltd");
        await PickAsync(page, "role", "Engineering");
        await PickAsync(page, "size", "51–200 employees");
        await CompleteAsync(page, "country", "Japan");
        await page.Locator("textarea[name=usecase]").FillAsync("Observability for our shop");
    }

    public static async Task FillEnterpriseAsync(IPage page)
    {
        await page.Locator("input[name=legal]").FillAsync("Example Trading Ltd.");
        await PickAsync(page, "industry", "Retail");
        await page.Locator("textarea[name=address]").FillAsync("1-2-3 Shibuya, Tokyo");
        await page.Locator("input[name=billingemail]").FillAsync("billing@example.com");
    }

    /// <summary>Clicks the China site's option card (by its value: the name shown depends on the language).</summary>
    public static Task ChooseSiteAsync(IPage page) => page.Locator("label:has(input[name=site][value=cn-northwest-1])").ClickAsync();

    public static Task NameOrganizationAsync(IPage page) => page.Locator("input[name=org-name]").FillAsync("Example Trading");

    public static async Task CreateWorkspaceAsync(IPage page)
    {
        await page.Locator("input[name=ws-name]").FillAsync("Production");
        await PickAsync(page, "ws-language", "日本語");
    }

    /// <summary>A contract links only once AWS confirms it; the simulator's default contract is confirmed at once.</summary>
    public static async Task WaitForContractConfirmationAsync(IPage page)
    {
        var waiting = page.Locator("#contract-waiting");
        if (await waiting.IsVisibleAsync())
            await waiting.WaitForAsync(new() { State = WaitForSelectorState.Hidden, Timeout = 60_000 });
    }
}
