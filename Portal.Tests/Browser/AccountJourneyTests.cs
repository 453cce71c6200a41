using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Onboarding;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>The account step in Chromium: register, verify by the mailed code, and sign-in for a returning user.</summary>
public sealed class AccountJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly PortalAppFactory app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<IPage> LandAsync() => await BuyerSteps.LandAtAccountAsync(await browser.Browser.NewContextAsync(app));

    private Task<string> LatestCodeAsync(string email) => BuyerSteps.LatestCodeAsync(app, email);

    private static Task RegisterAsync(IPage page, string email) => BuyerSteps.RegisterAsync(page, email);

    [Fact]
    public async Task Register_VerifyByCode_ContinuesSignedInAtBusinessStep()
    {
        var page = await LandAsync();
        await page.ShotAsync("05-account");

        await RegisterAsync(page, "new.buyer@example.com");
        await page.ShotAsync("06-verify-email");
        await page.Locator("input[name=verify-code]").FillAsync("000000" == await LatestCodeAsync("new.buyer@example.com") ? "111111" : "000000");
        await page.Locator("#verify-submit").ClickAsync();
        await page.GetByText("That code is not right").WaitForAsync(new() { Timeout = 30_000 });
        await page.Locator("input[name=verify-code]").FillAsync(await LatestCodeAsync("new.buyer@example.com"));
        await page.Locator("#verify-submit").ClickAsync();

        await page.WaitForURLAsync("**/onboarding/business");
        await page.ShotAsync("07-after-verification");
        var cookies = await page.Context.CookiesAsync();
        Assert.Contains(cookies, c => c.Name == ".AspNetCore.Identity.Application" && c.HttpOnly);
        await using var db = app.CreateDbContext();
        var session = await db.OnboardingSessions.SingleAsync();
        Assert.Equal(OnboardingStep.BusinessInfo, session.Step);
        Assert.Equal((await db.Users.SingleAsync()).Id, session.UserId);
    }

    [Fact]
    public async Task Register_InvalidInput_ShowsFieldMessagesAndStaysOnPage()
    {
        var page = await LandAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Create account" }).ClickAsync();

        await page.Locator("input[name=register-email]").FillAsync("not-an-email");
        await page.Locator("input[name=register-password]").FillAsync("short");
        await page.Locator("#register-submit").ClickAsync();

        await page.GetByText("Enter a valid e-mail address").WaitForAsync(new() { Timeout = 30_000 });
        await page.GetByText("Accept the service agreement to continue.").WaitForAsync(new() { Timeout = 30_000 });
        Assert.EndsWith("/onboarding/account", page.Url);
        await using var db = app.CreateDbContext();
        Assert.Equal(0, await db.Users.CountAsync());
    }

    [Fact]
    public async Task Register_EmptySubmit_OneMessagePerFieldWithRedBorders()
    {
        var page = await LandAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Create account" }).ClickAsync();

        await page.Locator("#register-submit").ClickAsync();
        await page.GetByText("Enter your e-mail address.").WaitForAsync(new() { Timeout = 30_000 });
        await page.ShotAsync("05b-register-empty-submit");

        foreach (var (name, message) in new[] { ("register-name", "Enter your name."), ("register-email", "Enter your e-mail address."), ("register-password", "Enter your password.") })
        {
            var control = page.Locator($".mud-input-control:has(input[name={name}])");
            await Assertions.Expect(control.Locator(".mud-input-helper-text.mud-input-error")).ToHaveCountAsync(1);
            await Assertions.Expect(control.Locator(".mud-input-helper-text.mud-input-error")).ToContainTextAsync(message);
            await Assertions.Expect(page.Locator($"input[name={name}]")).ToHaveAttributeAsync("aria-invalid", "true");
            // The border turns red, not only the label: the outline's colour is the theme's error colour (waited
            // for: the theme animates the border's colour, and a loaded machine can read it mid-way).
            var error = await page.EvaluateAsync<string>("() => { const d = document.createElement('div'); d.style.color = 'var(--mud-palette-error)'; document.body.append(d); const c = getComputedStyle(d).color; d.remove(); return c; }");
            await Assertions.Expect(control.Locator("fieldset.mud-input-outlined-border")).ToHaveCSSAsync("border-top-color", error, new() { Timeout = 10_000 });
        }
        await Assertions.Expect(page.GetByText("Enter a valid e-mail address")).ToHaveCountAsync(0);
        // The first invalid field has the focus, so its label and message are read out.
        await Assertions.Expect(page.Locator("input[name=register-name]")).ToBeFocusedAsync();
    }

    [Fact]
    public async Task Register_TermsCheckbox_HasAnAccessibleNameAndTicks()
    {
        var page = await LandAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Create account" }).ClickAsync();

        var box = page.GetByRole(AriaRole.Checkbox, new() { Name = "I accept the service agreement" });
        await Assertions.Expect(box).ToHaveCountAsync(1);
        await page.GetByText("I accept the service agreement").ClickAsync(); // the label ticks it, like any label

        await Assertions.Expect(box).ToBeCheckedAsync();
    }

    [Theory]
    [InlineData("en")]
    [InlineData("zh-CN")]
    [InlineData("ja")]
    public async Task RegisterTab_AfterEmptySubmit_AxeFindsNothingSeriousInTheForms(string culture)
    {
        var page = await LandAsync();
        if (culture != "en")
        {
            // The header's picker reloads the same step in the other language.
            await page.Locator($"button[name=culture][value={culture}]").ClickAsync();
            await page.Locator($"html[lang={culture}]").WaitForAsync(new() { Timeout = 30_000 });
            await page.WaitForCircuitAsync();
        }
        await page.GetByRole(AriaRole.Tab).Nth(1).ClickAsync();
        await page.Locator("#register-submit").ClickAsync();
        await page.Locator("#register-form .mud-input-error").First.WaitForAsync(new() { Timeout = 30_000 });
        await new Axe().CheckAsync(page, "inject"); // loads axe-core into the page; the wizard page around the forms is the wizard's test

        var json = await page.EvaluateAsync<string>("""
            async () => JSON.stringify((await axe.run(['#register-form', '#signin-form'], { resultTypes: ['violations'] })).violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`))
            """);

        Assert.Equal("[]", json);
    }

    [Fact]
    public async Task ReturningUser_SignsIn_SkipsBusinessInfo()
    {
        var first = await LandAsync();
        await RegisterAsync(first, "returning@example.com");
        await first.Locator("input[name=verify-code]").FillAsync(await LatestCodeAsync("returning@example.com"));
        await first.Locator("#verify-submit").ClickAsync();
        await first.WaitForURLAsync("**/onboarding/business");

        var page = await LandAsync(); // another browser, another subscription
        await page.Locator("input[name=signin-email]").FillAsync("returning@example.com");
        await page.Locator("input[name=signin-password]").FillAsync("Wr0ng!Password");
        await page.Locator("#signin-submit").ClickAsync();
        await page.GetByText("The e-mail address or password is incorrect.").WaitForAsync(new() { Timeout = 30_000 });
        await page.Locator("input[name=signin-password]").FillAsync("Str0ng!Passw0rd");
        await page.Locator("#signin-submit").ClickAsync();

        await page.WaitForURLAsync("**/onboarding/site");
    }
}
