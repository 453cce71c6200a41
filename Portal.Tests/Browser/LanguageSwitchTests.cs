using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Playwright;
using Portal.Localization;
using Portal.Onboarding;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>Switching the language with the header picker in the middle of a step keeps the step and every answer.</summary>
public sealed class LanguageSwitchTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly PortalAppFactory app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    /// <summary>The portal's own text for <paramref name="key"/> in <paramref name="culture"/>, from the resx files.</summary>
    private string Text(string culture, string key)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        try { return app.Services.GetRequiredService<IStringLocalizer<SharedResources>>()[key]; }
        finally { CultureInfo.CurrentUICulture = previous; }
    }

    private async Task SwitchToAsync(IPage page, string label, string culture)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = label, Exact = true }).ClickAsync();
        await page.Locator($"html[lang={culture}]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.WaitForCircuitAsync();
        await page.Locator("h1", new() { HasText = Text(culture, "Business.Title") }).WaitForAsync(new() { Timeout = 30_000 });
    }

    private async Task AssertAnswersKeptAsync(IPage page, string culture)
    {
        Assert.EndsWith("/onboarding/business", page.Url);
        Assert.Equal("Example Trading Ltd", await page.Locator("input[name=company]").InputValueAsync());
        Assert.Equal(Text(culture, "Choice.Role.Engineering"), (await page.Locator("input[name=role]").InputValueAsync()).Trim());
        Assert.Equal("Observability for our shop", await page.Locator("textarea[name=usecase]").InputValueAsync());
        Assert.Equal(Text(culture, "Common.Continue").ToUpperInvariant(), (await page.Locator("#step-submit").InnerTextAsync()).Trim().ToUpperInvariant());
        Assert.Contains(Text(culture, "Business.PageTitle"), await page.TitleAsync());
    }

    [Fact]
    public async Task BusinessStepPartlyFilled_SwitchToJapaneseThenChinese_KeepsStepAndAnswers()
    {
        var page = await BuyerSteps.LandAtAccountAsync(await browser.Browser.NewContextAsync(app));
        await BuyerSteps.RegisterAsync(page, "ada@example.com");
        await WizardSteps.VerifyAsync(page, app, "ada@example.com");
        await page.Locator("input[name=company]").FillAsync("Example Trading Ltd");
        await WizardSteps.PickAsync(page, "role", "Engineering");
        await page.Locator("textarea[name=usecase]").FillAsync("Observability for our shop");
        await page.ShotAsync("lang-01-business-en");

        await SwitchToAsync(page, "日本語", "ja");
        await page.ShotAsync("lang-02-business-ja");
        await AssertAnswersKeptAsync(page, "ja");

        await WizardSteps.PickAsync(page, "size", Text("ja", "Choice.Size.51-200")); // answered in Japanese, kept in Chinese
        await SwitchToAsync(page, "简体中文", "zh-CN");
        await page.ShotAsync("lang-03-business-zh");
        await AssertAnswersKeptAsync(page, "zh-CN");
        Assert.Equal(Text("zh-CN", "Choice.Size.51-200"), (await page.Locator("input[name=size]").InputValueAsync()).Trim());

        await using var db = app.CreateDbContext();
        Assert.Equal(OnboardingStep.BusinessInfo, (await db.OnboardingSessions.SingleAsync()).Step);
    }
}
