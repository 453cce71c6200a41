using System.Text.Json;
using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>After a submit with invalid input, focus lands on the first invalid field and its error is announced.</summary>
public sealed class ValidationFocusTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly PortalAppFactory app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    /// <summary>The focused element, its ARIA state, and the text and live role of what describes it.</summary>
    private static async Task<FocusState> FocusedAsync(IPage page) => JsonSerializer.Deserialize<FocusState>(await page.EvaluateAsync<string>("""
        () => {
            const f = document.activeElement;
            const described = (f.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean).map(id => document.getElementById(id)).filter(Boolean);
            const live = e => e.getAttribute('role') === 'alert' || !!e.closest('[aria-live]:not([aria-live=off]),[role=alert],[role=status]');
            return JSON.stringify({ name: f.getAttribute('name') || f.closest('.mud-input-control')?.querySelector('[name]')?.getAttribute('name') || '', invalid: f.getAttribute('aria-invalid') ?? '',
                     message: described.map(e => e.textContent.trim()).join(' '), announced: described.length > 0 && described.every(live) });
        }
        """), JsonSerializerOptions.Web)!;

    public sealed record FocusState(string Name, string Invalid, string Message, bool Announced);

    [Fact]
    public async Task Submit_Invalid_FocusesFirstInvalidField_AndAnnouncesItsError()
    {
        var page = await BuyerSteps.LandAtAccountAsync(await browser.Browser.NewContextAsync(app));
        await BuyerSteps.RegisterAsync(page, "ada@example.com");
        await WizardSteps.VerifyAsync(page, app, "ada@example.com");

        await page.Locator("#step-submit").ClickAsync();
        await page.WaitForFunctionAsync("() => document.activeElement?.getAttribute('aria-invalid') === 'true'");
        await page.ShotAsync("focus-01-business-empty");

        var first = await FocusedAsync(page);
        Assert.Equal(new FocusState("company", "true", "This field is required.", true), first);

        await page.Locator("input[name=company]").FillAsync("Example Trading Ltd");
        await page.Locator("#step-submit").ClickAsync();
        await page.WaitForFunctionAsync("() => document.activeElement?.closest('.mud-input-control')?.querySelector('[name=role]')");
        await page.ShotAsync("focus-02-business-role");

        var second = await FocusedAsync(page);
        Assert.Equal(new FocusState("role", "true", "This field is required.", true), second);
        Assert.NotEqual("true", await page.Locator("input[name=company]").GetAttributeAsync("aria-invalid")); // MudBlazor writes "false"
    }
}
