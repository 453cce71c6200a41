using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>The moves every journey starts with: subscribe in the simulator, land, and register.</summary>
public static class BuyerSteps
{
    public static async Task<IBrowserContext> NewContextAsync(this IBrowser browser, PortalAppFactory app, int width = 1280, int height = 800) =>
        await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = width, Height = height }, Locale = "en-US",
        });

    /// <summary>Subscribes in the simulator, posts the token like AWS, and continues to the account step.</summary>
    public static async Task<IPage> LandAtAccountAsync(IBrowserContext context, string? awsAccount = null, string expectedPath = "/onboarding/account")
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("dev/marketplace");
        await page.WaitForCircuitAsync();
        if (awsAccount is not null) await page.Locator("input[name=account]").FillAsync(awsAccount);
        await page.Locator("#subscribe").ClickAsync();
        await page.Locator("#setup-account").ClickAsync();
        await page.WaitForURLAsync("**/onboarding");
        await page.WaitForCircuitAsync();
        await page.ClickAndWaitForUrlAsync(page.GetByRole(AriaRole.Button, new() { Name = "Continue" }), "**" + expectedPath);
        await page.WaitForCircuitAsync();
        return page;
    }

    public static async Task RegisterAsync(IPage page, string email)
    {
        await page.GetByRole(AriaRole.Tab, new() { Name = "Create account" }).ClickAsync();
        await page.Locator("input[name=register-name]").FillAsync("Ada Buyer");
        await page.Locator("input[name=register-email]").FillAsync(email);
        await page.Locator("input[name=register-password]").FillAsync("Str0ng!Passw0rd");
        await page.Locator("input[name=register-confirm]").FillAsync("Str0ng!Passw0rd");
        // The input itself: a click on the label could land on the terms link inside it.
        await page.Locator("input[name=register-terms]").CheckAsync();
        await page.Locator("#register-submit").ClickAsync();
        await page.WaitForURLAsync("**/onboarding/verify-email");
        await page.WaitForCircuitAsync();
    }

    /// <summary>The 6-digit code of the newest e-mail to <paramref name="email"/>, from the outbox.</summary>
    public static async Task<string> LatestCodeAsync(PortalAppFactory app, string email)
    {
        await using var db = app.CreateDbContext();
        var mail = await db.EmailMessages.Where(m => m.To == email).OrderByDescending(m => m.CreatedAt).FirstAsync();
        return Regex.Match(mail.TextBody, @"\b\d{6}\b").Value;
    }
}
